/**
 * The SULI paper's (003, Lyu et al.) published numbers, typed from the paper text, so reports and
 * notebooks can put them beside ours. Method keys are the registry names (SULI_METHOD_LABELS gives
 * the paper's names); 'original' is the model before unlearning.
 */

export type PaperDatasetKey = 'CIFAR-10' | 'UTKFace' | 'VggFace2';

/** Table 2 (class-wise): accuracy in %, mean and std over five seeds. AD_r, AD_f, AD_tr, AD_tf. */
export interface PaperClassRow {
  retainAcc: [number, number];
  forgetAcc: [number, number];
  testRetainAcc: [number, number];
  testForgetAcc: [number, number];
}

const t2 = (r: number[], f: number[], tr: number[], tf: number[]): PaperClassRow => ({
  retainAcc: [r[0], r[1] ?? 0],
  forgetAcc: [f[0], f[1] ?? 0],
  testRetainAcc: [tr[0], tr[1] ?? 0],
  testForgetAcc: [tf[0], tf[1] ?? 0],
});

export const PAPER_TABLE2: Record<PaperDatasetKey, Record<string, PaperClassRow>> = {
  'CIFAR-10': {
    original: t2([100], [100], [95], [94.98]),
    retrain: t2([100, 0], [0, 0], [92.26, 0.11], [0, 0]),
    neggrad: t2([29.62, 2.65], [0, 0], [39.43, 2.27], [0, 0]),
    'random-label': t2([78.77, 2.47], [0, 0], [74.14, 2.44], [0.02, 0.04]),
    'initial-label': t2([14.54, 1.34], [9.69, 0.03], [14.35, 1.16], [5.2, 2.93]),
    'boundary-shrink': t2([89.94, 0.17], [12.54, 0], [85.12, 0.14], [14.06, 0.34]),
    'adv-imp': t2([47.35, 2.94], [0, 0], [47.34, 2.77], [0.02, 0.04]),
    su: t2([94.54, 0.29], [0, 0], [88.89, 0.27], [0, 0]),
    suli: t2([96.03, 0.12], [0, 0], [89.81, 0.17], [0, 0]),
  },
  UTKFace: {
    original: t2([99.97], [99.95], [83.04], [82.16]),
    retrain: t2([99.96, 0.04], [0, 0], [83.21, 0.09], [0, 0]),
    neggrad: t2([86.79, 3.11], [0, 0], [75.91, 1.71], [0, 0]),
    'random-label': t2([84.33, 3.31], [0, 0], [76.65, 4.69], [0.16, 0.12]),
    'initial-label': t2([72.45, 6.12], [21.84, 3.09], [66.37, 2.53], [17.56, 3.58]),
    'boundary-shrink': t2([94.08, 0.98], [8.13, 0.12], [75.85, 1.18], [9.61, 3.97]),
    'adv-imp': t2([78.52, 2.52], [0, 0], [77.89, 3.24], [0, 0]),
    su: t2([96.86, 0.24], [0, 0], [68.78, 0.19], [0, 0]),
    suli: t2([98.42, 0.11], [0, 0], [79.81, 0.13], [0, 0]),
  },
  VggFace2: {
    original: t2([100], [100], [80.95], [81.48]),
    retrain: t2([100, 0], [0, 0], [81.12, 0.02], [0, 0]),
    neggrad: t2([84.01, 0.19], [0, 0], [60.85, 0.21], [0, 0]),
    'random-label': t2([83.1, 3.78], [0, 0], [63.6, 3.72], [0, 0]),
    'initial-label': t2([90.46, 0.37], [17.25, 0.13], [64.62, 0.54], [9.52, 0.34]),
    'boundary-shrink': t2([93.92, 0.08], [6.96, 0.06], [71.96, 0.14], [3.61, 0.19]),
    'adv-imp': t2([56.62, 3.12], [0, 0], [41.11, 2.56], [0, 0]),
    su: t2([95.65, 0.25], [0, 0], [72.49, 0.16], [0, 0]),
    suli: t2([97.51, 0.21], [0, 0], [72.62, 0.14], [0, 0]),
  },
};

/** Table 3 (instance-wise): accuracy in % on D_r, D_f and D_test for n = 64, 128, 256, 512 (means). */
export interface PaperInstanceRow {
  retainAcc: number[];
  forgetAcc: number[];
  testAcc: number[];
}
export const PAPER_TABLE3_COUNTS = [64, 128, 256, 512];

export const PAPER_TABLE3: Record<PaperDatasetKey, Record<string, PaperInstanceRow>> = {
  'CIFAR-10': {
    original: { retainAcc: [100, 100, 100, 100], forgetAcc: [100, 100, 100, 100], testAcc: [86.34, 86.34, 86.34, 86.34] },
    retrain: { retainAcc: [100, 100, 100, 100], forgetAcc: [85.06, 85.6, 87.11, 85.74], testAcc: [85.2, 86.15, 85.67, 86.09] },
    neggrad: { retainAcc: [99.86, 99.18, 96.39, 95.39], forgetAcc: [82.81, 85.16, 85.55, 85.55], testAcc: [85.1, 82.64, 79.82, 76.32] },
    'random-label': { retainAcc: [97.21, 95.1, 90.33, 77.1], forgetAcc: [82.19, 81.88, 83.75, 80.35], testAcc: [78.87, 77.82, 73.25, 68.65] },
    'initial-label': { retainAcc: [99.23, 81.96, 98.95, 96.01], forgetAcc: [85.94, 85.47, 83.34, 82.38], testAcc: [84.42, 69.54, 81.15, 76.96] },
    'boundary-shrink': { retainAcc: [99.56, 99.87, 99.49, 94.86], forgetAcc: [85.94, 85.16, 85.77, 84.67], testAcc: [83.98, 83.89, 83.07, 78.78] },
    'adv-imp': { retainAcc: [92.05, 81.96, 82.82, 78.76], forgetAcc: [85.94, 85.47, 82.62, 79.01], testAcc: [75.19, 69.54, 67.08, 66.87] },
    su: { retainAcc: [99.97, 99.76, 99.15, 96.77], forgetAcc: [82.81, 84.38, 85.55, 82.97], testAcc: [85.1, 83.76, 81.84, 79.3] },
    suli: { retainAcc: [99.99, 99.91, 99.68, 97.27], forgetAcc: [85.94, 85.94, 85.16, 84.3], testAcc: [85.37, 84.33, 83.78, 80.44] },
  },
  UTKFace: {
    original: { retainAcc: [99.82, 99.82, 99.86, 99.93], forgetAcc: [100, 100, 99.61, 99.64], testAcc: [82.96, 82.96, 82.96, 82.96] },
    retrain: { retainAcc: [99.82, 99.82, 99.79, 96.43], forgetAcc: [81.53, 81.46, 81.38, 82.44], testAcc: [81.41, 82.51, 82.86, 82.31] },
    neggrad: { retainAcc: [92.23, 86.47, 75.66, 67.71], forgetAcc: [81.29, 80.47, 80.13, 81.36], testAcc: [77.49, 72.83, 63.61, 61.63] },
    'random-label': { retainAcc: [89.49, 84.47, 76.64, 67.37], forgetAcc: [80.13, 80.72, 80.19, 80.71], testAcc: [73.47, 64.72, 55.39, 51.39] },
    'initial-label': { retainAcc: [99.59, 88.13, 79.82, 73.17], forgetAcc: [81.25, 81.11, 79.55, 80.89], testAcc: [81.73, 75.54, 62.79, 58.12] },
    'boundary-shrink': { retainAcc: [99.28, 97.39, 96.48, 65.67], forgetAcc: [80.56, 81.04, 81.33, 81.34], testAcc: [81.47, 79.43, 78.89, 70.45] },
    'adv-imp': { retainAcc: [96.91, 87.48, 82.86, 77.6], forgetAcc: [81.81, 80.46, 81.03, 80.08], testAcc: [79.69, 74.03, 71.44, 69.71] },
    su: { retainAcc: [99.24, 98.21, 95.31, 93.79], forgetAcc: [81.12, 80.63, 80.46, 81.03], testAcc: [82.53, 80.72, 79.04, 74.36] },
    suli: { retainAcc: [99.29, 98.32, 97.57, 96.13], forgetAcc: [81.56, 81.71, 80.5, 80.13], testAcc: [82.93, 81.14, 79.68, 78.65] },
  },
  VggFace2: {
    original: { retainAcc: [99.07, 99.06, 99.06, 99.05], forgetAcc: [100, 100, 99.21, 99.21], testAcc: [84.52, 84.52, 84.52, 84.52] },
    retrain: { retainAcc: [100, 99.81, 99.56, 99.61], forgetAcc: [81.25, 83.94, 84.23, 86.73], testAcc: [83.26, 83.52, 84.56, 85.27] },
    neggrad: { retainAcc: [95.23, 83.66, 84.22, 82.48], forgetAcc: [83.74, 83.82, 83.79, 83.71], testAcc: [77.63, 72.13, 74.56, 73.43] },
    'random-label': { retainAcc: [94.02, 87.62, 79.97, 78.57], forgetAcc: [83.7, 83.71, 83.72, 83.68], testAcc: [77.07, 76.41, 71.86, 70.24] },
    'initial-label': { retainAcc: [93.13, 86.72, 84.19, 81.44], forgetAcc: [83.75, 83.78, 83.8, 83.69], testAcc: [75.48, 74.18, 69.27, 64.35] },
    'boundary-shrink': { retainAcc: [96.47, 91.2, 88.71, 83.7], forgetAcc: [83.76, 83.77, 83.73, 83.68], testAcc: [76.33, 72.29, 69.29, 64.03] },
    'adv-imp': { retainAcc: [88.43, 83.73, 81.39, 78.84], forgetAcc: [83.75, 83.72, 83.76, 83.68], testAcc: [75.72, 73.21, 69.53, 65.3] },
    su: { retainAcc: [97.1, 93.13, 89.5, 84.26], forgetAcc: [83.71, 83.69, 83.75, 83.72], testAcc: [79.27, 74.41, 76.29, 71.29] },
    suli: { retainAcc: [98.12, 96.93, 93.92, 91.49], forgetAcc: [83.72, 83.73, 83.7, 83.74], testAcc: [82.19, 79.97, 78.46, 77.56] },
  },
};

/** Table 4: loss-MIA attack accuracy (fraction; ideal 0.5), mean and std, [class, instance] per dataset. */
export const PAPER_TABLE4: Record<PaperDatasetKey, Record<string, { class: [number, number]; instance: [number, number] }>> = {
  'CIFAR-10': {
    original: { class: [0.57, 0.04], instance: [0.61, 0.02] },
    retrain: { class: [0.51, 0.01], instance: [0.5, 0.01] },
    neggrad: { class: [0.62, 0.05], instance: [0.5, 0.03] },
    'random-label': { class: [0.54, 0.01], instance: [0.52, 0.03] },
    'initial-label': { class: [0.49, 0.01], instance: [0.47, 0.03] },
    'boundary-shrink': { class: [0.56, 0.01], instance: [0.53, 0.03] },
    'adv-imp': { class: [0.57, 0.03], instance: [0.49, 0.04] },
    su: { class: [0.52, 0.01], instance: [0.48, 0.03] },
    suli: { class: [0.51, 0.01], instance: [0.5, 0.01] },
  },
  UTKFace: {
    original: { class: [0.63, 0.02], instance: [0.62, 0.03] },
    retrain: { class: [0.51, 0.01], instance: [0.5, 0.01] },
    neggrad: { class: [0.63, 0.04], instance: [0.56, 0.02] },
    'random-label': { class: [0.55, 0.03], instance: [0.56, 0.04] },
    'initial-label': { class: [0.57, 0.07], instance: [0.46, 0.09] },
    'boundary-shrink': { class: [0.62, 0.07], instance: [0.57, 0.04] },
    'adv-imp': { class: [0.45, 0.03], instance: [0.46, 0.02] },
    su: { class: [0.52, 0.01], instance: [0.52, 0.02] },
    suli: { class: [0.51, 0.01], instance: [0.5, 0.01] },
  },
  VggFace2: {
    original: { class: [0.63, 0.02], instance: [0.64, 0.02] },
    retrain: { class: [0.5, 0.02], instance: [0.51, 0.01] },
    neggrad: { class: [0.37, 0.02], instance: [0.43, 0.03] },
    'random-label': { class: [0.57, 0.07], instance: [0.55, 0.04] },
    'initial-label': { class: [0.83, 0.05], instance: [0.63, 0.06] },
    'boundary-shrink': { class: [0.61, 0.09], instance: [0.58, 0.04] },
    'adv-imp': { class: [0.44, 0.02], instance: [0.46, 0.04] },
    su: { class: [0.53, 0.03], instance: [0.52, 0.02] },
    suli: { class: [0.49, 0.02], instance: [0.51, 0.01] },
  },
};

/** Table 5: runtime in seconds (one GPU, RTX 4070; dataset not stated), class- and instance-wise. Retrain is not listed. */
export const PAPER_TABLE5: Record<string, { class: number; instance: number }> = {
  'adv-imp': { class: 107.16, instance: 3.67 },
  'initial-label': { class: 45.76, instance: 1.33 },
  'boundary-shrink': { class: 31.66, instance: 0.98 },
  neggrad: { class: 19.36, instance: 0.81 },
  'random-label': { class: 10.36, instance: 0.55 },
  su: { class: 3.68, instance: 0.28 },
  suli: { class: 0.93, instance: 0.21 },
};

/**
 * Fig. 3's five objectives (radar chart, CIFAR-10), as the caption lists them, and how we score each
 * in [0, 1] (the paper gives no formula): utility = A_Dr, unlearning effectiveness = 1 - A_Df,
 * new data = A_Dtr (test accuracy on the retained classes), thoroughness = 1 - 2 |MIA - 0.5|,
 * efficiency = fastest runtime / runtime.
 */
export const RADAR_AXES = ['model utility', 'unlearning effectiveness', 'handling new data', 'thoroughness', 'efficiency'] as const;

import type { ExperimentInfo } from '../shared/experiment';
import type { PaperDatasetKey } from '../shared/suli-paper-numbers';

export const SULI_CLASS_WISE: ExperimentInfo = {
  name: 'suli-class-wise',
  title: 'SULI paper (003), Sec. 4, Tables 2, 4 (class), 5 (class) and Fig. 3: class-wise unlearning with SU, SULI and the re-labelling baselines',
  flags: ['seeds', 'dataset', 'methods'],
};

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

/**
 * Fig. 3's five objectives (radar chart, CIFAR-10), as the caption lists them, and how we score each
 * in [0, 1] (the paper gives no formula): utility = A_Dr, unlearning effectiveness = 1 - A_Df,
 * new data = A_Dtr (test accuracy on the retained classes), thoroughness = 1 - 2 |MIA - 0.5|,
 * efficiency = fastest runtime / runtime.
 */
export const RADAR_AXES = ['model utility', 'unlearning effectiveness', 'handling new data', 'thoroughness', 'efficiency'] as const;

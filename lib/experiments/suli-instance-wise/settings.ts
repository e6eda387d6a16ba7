import type { ExperimentInfo } from '../shared/experiment';
import type { PaperDatasetKey } from '../shared/suli-paper-numbers';

export const SULI_INSTANCE_WISE: ExperimentInfo = {
  name: 'suli-instance-wise',
  title: 'SULI paper (003), Sec. 4, Table 3, Tables 4 and 5 (instance columns): instance-wise unlearning of n = 64..512 samples',
  flags: ['seeds', 'dataset', 'methods'],
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

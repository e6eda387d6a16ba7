/**
 * Table 1 of the Blend/A-AMU paper (000): unlearning ResNet-18 on CIFAR-10, mean +- 95% CI over 3
 * runs, without ("full") and with Blend ("blend") condensation. Typed from the paper text; accuracies
 * in %, MIA = the paper's MIA score (AUC x 100, ideal 50), time in seconds on the authors' GPU.
 * k-means 5.5753 +- 0.1391 s, F-sampling 0.1184 +- 0.0107 s; Blend (IPC 1000) 47.78 s (class) and
 * 34.18 s (uniform).
 */
export interface PaperCell {
  mia: number;
  retainAcc: number;
  forgetAcc: number;
  testAcc: number;
  seconds: number;
}

type Row = [method: string, full: PaperCell, blend: PaperCell];

const c = (mia: number, retainAcc: number, forgetAcc: number, testAcc: number, seconds: number): PaperCell => ({ mia, retainAcc, forgetAcc, testAcc, seconds });

export const PAPER_TABLE1: Record<'class' | 'uniform', Row[]> = {
  class: [
    ['retrain', c(49.76, 100.0, 0.0, 80.35, 1141.71), c(50.51, 75.5, 0.0, 62.47, 224.5)],
    ['cf', c(50.18, 100.0, 0.0, 81.19, 577.81), c(55.39, 96.39, 0.3, 77.75, 112.32)],
    ['bad-teacher', c(62.83, 96.26, 1.23, 77.33, 284.54), c(57.31, 98.88, 24.99, 81.19, 117.04)],
    ['l1-sparse', c(47.32, 99.0, 0.0, 78.42, 358.62), c(53.79, 96.36, 0.0, 77.66, 69.88)],
    ['scrub', c(50.12, 15.28, 0.0, 13.8, 241.23), c(50.0, 11.11, 0.0, 10.0, 61.58)],
    ['pruning', c(50.87, 98.08, 0.0, 77.43, 235.5), c(50.8, 100.0, 0.0, 72.65, 46.74)],
    ['a-cf', c(51.71, 97.88, 0.0, 77.01, 75.76), c(48.25, 98.92, 0.0, 77.45, 16.01)],
  ],
  uniform: [
    ['retrain', c(50.47, 100.0, 87.48, 86.84, 1132.22), c(50.05, 91.48, 82.25, 80.65, 664.73)],
    ['cf', c(52.45, 100.0, 93.3, 88.11, 561.76), c(54.39, 96.95, 93.42, 86.6, 332.23)],
    ['bad-teacher', c(82.92, 93.78, 27.99, 78.77, 275.64), c(85.78, 94.43, 18.71, 79.57, 264.16)],
    ['l1-sparse', c(50.87, 98.87, 86.18, 84.36, 348.2), c(52.22, 92.81, 86.3, 82.1, 206.46)],
    ['scrub', c(51.27, 99.96, 88.35, 85.99, 235.68), c(51.59, 77.94, 73.11, 70.56, 149.79)],
    ['pruning', c(51.08, 96.76, 85.67, 82.51, 234.11), c(51.75, 97.52, 83.22, 79.75, 138.16)],
    ['a-cf', c(51.86, 99.53, 86.19, 86.18, 76.24), c(51.95, 99.76, 85.42, 86.23, 47.32)],
  ],
};

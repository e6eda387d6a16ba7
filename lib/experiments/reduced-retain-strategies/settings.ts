import { presetConfig } from '../../unlearn';
import type { ExperimentInfo } from '../shared/experiment';
import { BLEND_PAPER_SETTINGS, methodConfig, type BlendPaperSetting, type PresetName } from '../shared/presets';

export const REDUCED_RETAIN_STRATEGIES: ExperimentInfo = {
  name: 'reduced-retain-strategies',
  title: 'Reduced retain set vs other condensation strategies for L1-sparse (2025 paper Sec. 3.3, 4.4, Fig. 3)',
  flags: ['seeds'],
};

/**
 * The seven training sets of the 2025 paper's Sec. 4.4 / Fig. 3 ablation, in the paper's numbering
 * (circled 1-7). The reference scripts number them differently (docs/reference/blend-a-amu.md#a10): paper 1 = v7, 2 = v1,
 * 3 = v4, 4 = v3, 5 = v6, 6 = v5, 7 = v2.
 */
export const RETAIN_STRATEGIES = [
  { id: 1, key: 'full', reference: 'v7', label: '(1) R: full retain set, raw' },
  { id: 2, key: 'blend-all', reference: 'v1', label: '(2) Blend(re-clustered R): full condensation' },
  { id: 3, key: 'free', reference: 'v4', label: '(3) R_free raw' },
  { id: 4, key: 'blend-free', reference: 'v3', label: '(4) Blend(re-clustered R_free)' },
  { id: 5, key: 'residual', reference: 'v6', label: '(5) R_residual raw' },
  { id: 6, key: 'blend-residual', reference: 'v5', label: '(6) Blend(re-clustered R_residual)' },
  { id: 7, key: 'reduced', reference: 'v2', label: '(7) R_residual + Blend(R_free): reduced retain set (proposed)' },
] as const;
export type RetainStrategy = (typeof RETAIN_STRATEGIES)[number]['key'];

/**
 * The paper's Sec. 4.4 text (Fig. 3 is a plot; only the values quoted in the text are typed here;
 * CINIC-10, ResNet-18, IPC 800, 10 % uniform, L1-sparse). null = not stated.
 */
export const PAPER_FIG3: Record<RetainStrategy, { forgetAcc: number | null; freeRetainAcc: number | null; residualRetainAcc: number | null; timePercent: number | null; text: string }> = {
  full: { forgetAcc: null, freeRetainAcc: null, residualRetainAcc: null, timePercent: 100, text: 'baseline, 100 % time' },
  'blend-all': { forgetAcc: 87, freeRetainAcc: null, residualRetainAcc: null, timePercent: null, text: 'forget acc ~87 %, MIA up' },
  free: { forgetAcc: 67, freeRetainAcc: null, residualRetainAcc: 64, timePercent: null, text: 'forget acc ~67 %, residual-side acc ~64 %' },
  'blend-free': { forgetAcc: 93, freeRetainAcc: null, residualRetainAcc: null, timePercent: null, text: 'forget acc ~93 % (re-memorises F)' },
  residual: { forgetAcc: null, freeRetainAcc: null, residualRetainAcc: null, timePercent: null, text: 'forget acc "essentially unchanged"; free-retain "low-60s"' },
  'blend-residual': { forgetAcc: 88, freeRetainAcc: null, residualRetainAcc: null, timePercent: null, text: 'forget acc ~88 %, free-retain high-80s' },
  reduced: { forgetAcc: 72.5, freeRetainAcc: 75, residualRetainAcc: null, timePercent: 63.8, text: 'forget acc 72.5 %, free-retain 75 %, MIA as baseline, 63.8 % time' },
};

/**
 * |R_reduced| / |R| quoted in the paper (Sec. 4.3; CIFAR-10 / SVHN ResNet-18) and the estimate in docs/reference/blend-a-amu.md#a5-4
 * for equal-size clusters (docs/reference/blend-a-amu.md#a5-4). The paper reports no Fashion-MNIST ratios.
 */
export const PAPER_REDUCED_RATIOS = {
  cifar10Uniform: 0.602,
  cifar10OneClass: 0.2,
  svhnOneClass: 0.022,
  averageReduction: 0.44,
  /** 1 - 0.9^s (s - 1) / (0.9 s) for clusters of s images under 10 % uniform forgetting (docs/reference/blend-a-amu.md#a5-4). */
  equalClusterEstimate: (s: number) => 1 - (0.9 ** s * (s - 1)) / (0.9 * s),
};

export interface ReducedRetainPreset extends Omit<BlendPaperSetting, 'methodPreset'> {
  seeds: number;
  /** Uniform forgetting fraction (reference 0.1) and the class of the one-class ratio. */
  fraction: number;
  ratioClass: number;
  /** L1-sparse settings (reference: the CINIC-10 `_condense_` JSON for every set). */
  l1: Record<string, unknown>;
  /**
   * Retrain (from scratch on the full retain set), the target every training set is read against: the
   * single-round runner's Retrain settings of the same preset (smoke, cpu: the same data, seed and forget
   * set, so the same run), the CINIC-10 reference's on gpu-paper.
   */
  retrain: Record<string, unknown>;
  notes: string[];
}

const cpuSetting = BLEND_PAPER_SETTINGS.cpu;
const smokeSetting = BLEND_PAPER_SETTINGS.smoke;
const gpuSetting = BLEND_PAPER_SETTINGS['gpu-paper'];

/**
 * smoke / cpu: the single-round presets' data, original model and partition (so cached original models
 * are shared); cpu L1-sparse = the 'cpu-blend' unlearning preset (the baseline sweep's choice on the
 * Blend-reduced retain set). gpu-paper: CINIC-10, instance-norm ResNet-18, k = 800, the CINIC `_condense_` L1 settings, 3 seeds.
 */
export const REDUCED_RETAIN_PRESETS: Record<PresetName, ReducedRetainPreset> = {
  smoke: {
    data: smokeSetting.data,
    recipe: smokeSetting.recipe,
    partition: smokeSetting.partition,
    blend: smokeSetting.blend,
    seeds: 1,
    fraction: 0.1,
    ratioClass: 0,
    l1: { epochs: 1, noL1Epochs: 0, lr: 0.01, batchSize: 32 },
    retrain: methodConfig(smokeSetting.methodPreset, 'retrain'),
    notes: ['smoke preset: tiny data, one L1 epoch; checks the plumbing only.'],
  },
  cpu: {
    data: cpuSetting.data,
    recipe: cpuSetting.recipe,
    partition: cpuSetting.partition,
    blend: cpuSetting.blend,
    seeds: 1,
    fraction: 0.1,
    ratioClass: 0,
    l1: presetConfig('cpu-blend', 'l1-sparse'),
    retrain: methodConfig(cpuSetting.methodPreset, 'retrain'),
    notes: [
      'Fashion-MNIST (300 images per class, the memorising cpu original), a width-32 ConvNet, k = 60 clusters per class (mean cluster size 5, as CIFAR-10 at IPC 1000) ' +
        "instead of CINIC-10 / ResNet-18 / k = 800 (mean cluster size 11.25); L1-sparse with the baseline sweep's Blend-reduced-set config instead of 30 epochs.",
      'The re-clustered Blend sets (2), (4), (6) use k = min(60, smallest class count of the set) clusters per class and a new random ConvNet, as the reference re-clusters with a new extractor.',
    ],
  },
  'gpu-paper': {
    data: { dataset: 'cinic10', testPoolFraction: 0.7 },
    recipe: gpuSetting.recipe,
    partition: { k: 800 },
    blend: {},
    seeds: 3,
    fraction: 0.1,
    ratioClass: 0,
    l1: presetConfig('cinic10-resnet18-blend', 'l1-sparse'),
    retrain: methodConfig('cinic10-resnet18', 'retrain', 'full'),
    notes: ['Reference setting (docs/reference/blend-a-amu.md#a10): CINIC-10, ResNet-18 (instance norm), k = 800, L1-sparse with the CINIC `_condense_` JSON, 3 runs.'],
  },
};

import type { ExperimentInfo } from '../shared/experiment';
import type { PresetName } from '../shared/presets';
import type { TrainRecipe } from '../shared/scenario';
import { MODULAR_PRESETS, type ModularPaperSetting } from '../modular-unlearning/settings';

export const MODULAR_STUDIES: ExperimentInfo = {
  name: 'modular-studies',
  title: '2024 modular paper (002), studies: remembrance-set size (ipc), clusters per class (K: |R~|/|R| and time), five unlearning cycles, the unlearning and overfitting metrics over online epochs',
  flags: ['seeds'],
};

export interface ModularStudiesSetting extends Pick<ModularPaperSetting, 'data' | 'kPerClass' | 'condensation' | 'remembrance' | 'offline' | 'smoke' | 'seeds'> {
  /** The one model the studies use. */
  model: TrainRecipe;
  /** Remembrance images per class (reference: 1, 10, 50). */
  ipcs: number[];
  /** Clusters per class (reference: 45 and 450 of 4500 per class, i.e. about 100 and 10 images per cluster). */
  ks: number[];
  /** Unlearning cycles, each forgetting 10% of the previous retain set more (reference: 5). */
  cycles: number;
  /** Online outer epochs S at which both metrics are read (reference: 1..5). */
  metricEpochs: number[];
  /** The metric study's model, pretrained and pre-processed on its own (reference: ViT-tiny, 50 epochs). */
  metricModel: TrainRecipe;
}

/**
 * The online config of the metrics study: the reference's ViT row (docs/reference/modular-2024.md#b6) with
 * S = the epoch read: lr 1e-3 / 2e-3, 80 Final steps, tau 5.
 */
export const METRIC_STUDY_ROW = { lrOverture: 1e-3, lrIntermediate: 2e-3, finalSteps: 80, finalThreshold: 5 } as const;

/** The reference's ViT pretraining (docs/reference/modular-2024.md#b3): Adam 1e-3, batch 256, 50 epochs, no schedule, no augmentation. */
const vit = (modelOptions: Record<string, unknown>, epochs: number, batchSize = 256): TrainRecipe => ({
  model: 'vit-tiny',
  modelOptions,
  epochs,
  batchSize,
  lr: 1e-3,
  optimizer: { kind: 'adam' },
  schedule: { kind: 'constant' },
});

/**
 * The cpu metric study's ViT: ViT-tiny's design (pre-norm blocks, cls token, zeroed position embedding, MLP
 * ratio 4) narrowed to fit 2 cores (embed 64, 4 blocks, 4 heads; ViT-tiny: 192, 12, 3), on 4x4 patches of
 * Fashion-MNIST's 28x28 images (49 tokens + cls).
 */
export const VIT_CPU = { patch: 4, embedDim: 64, depth: 4, heads: 4 } as const;

const fromMain = (p: PresetName) => {
  const { data, kPerClass, condensation, remembrance, offline, smoke, seeds } = MODULAR_PRESETS[p];
  return { data, kPerClass, condensation, remembrance, offline, smoke, seeds };
};

/**
 * Each preset's studies share the main tables' data and pre-processing. cpu: the MLP (the cheapest of
 * the paper's models; the reference's ipc study used the CNN, its K study VGG-16 and the MLP, its metric
 * study ViT-tiny): ipc 1 / 10 / 50; K 3 / 30 / 60 per class (100, 10 and 5 images per cluster, as the
 * reference's 45 / 450 of 4500); five cycles; epochs 1-5 on a narrowed ViT (VIT_CPU). gpu-paper: the CNN on
 * CIFAR-10, K 45 / 450, and ViT-tiny for the metric study.
 */
export const MODULAR_STUDIES_PRESETS: Record<PresetName, ModularStudiesSetting> = {
  smoke: { ...fromMain('smoke'), model: MODULAR_PRESETS.smoke.models[0], ipcs: [1, 2], ks: [2, 4], cycles: 2, metricEpochs: [1, 2], metricModel: vit({ patch: 7, embedDim: 16, depth: 3, heads: 2 }, 2, 64) },
  cpu: { ...fromMain('cpu'), model: MODULAR_PRESETS.cpu.models[0], ipcs: [1, 10, 50], ks: [3, 30, 60], cycles: 5, metricEpochs: [1, 2, 3, 4, 5], metricModel: vit(VIT_CPU, 50) },
  'gpu-paper': { ...fromMain('gpu-paper'), model: MODULAR_PRESETS['gpu-paper'].models[1], ipcs: [1, 10, 50], ks: [45, 450], cycles: 5, metricEpochs: [1, 2, 3, 4, 5], metricModel: vit({}, 50) },
};

import type { ModularOfflineSettings } from '../../unlearn/shared/modular-offline';
import type { ExperimentInfo } from '../shared/experiment';
import type { PresetName } from '../shared/presets';
import { parseForgetRequest, type ExperimentData, type ForgetRequest, type TrainRecipe } from '../shared/scenario';

export const MODULAR_UNLEARNING: ExperimentInfo = {
  name: 'modular-unlearning',
  title: '2024 modular paper (002), main tables: 10% random, class-wise and arbitrary-partial forgetting; the modular method against Retrain, CF, Distillation, Bad Teacher, L1 and SynFlow',
  flags: ['seeds', 'dataset', 'model', 'methods', 'forget', 'save'],
};

/** The methods of the paper's main tables, the proposed one first. */
export const MODULAR_METHODS = ['modular', 'retrain', 'cf', 'distillation', 'bad-teacher', 'l1-sparse', 'synflow'];

/** The paper's three requests (docs/reference/modular-2024.md#b1): 10% random, one class, 10% of classes 1-3. */
export const MODULAR_REQUESTS: ForgetRequest[] = [
  { kind: 'uniform', fraction: 0.1 },
  { kind: 'class', classes: [0] },
  { kind: 'partial', fraction: 0.1, classes: [1, 2, 3] },
];

/**
 * The fix offered for the reference's class-wise configs, where S - tau < 0 leaves Final untrained online:
 * Final trained in the first half of the outer epochs, on the remembrance images of the classes kept.
 * Run beside the faithful config on class-wise requests as 'modular (Final trained)'.
 */
export const CLASS_WISE_FIX = { finalThreshold: 5, remembranceClasses: 'retained' } as const;

export interface ModularPaperSetting {
  data: ExperimentData;
  /** One original model per entry (the paper's MLP and CNN at CPU scale; ResNet-18 and VGG-16 in gpu-paper). */
  models: TrainRecipe[];
  /** K: k-means clusters per class on the pretrained model's features (reference: 450 of 4500 per class, about 10 per cluster). */
  kPerClass: number;
  /**
   * How every cluster is condensed: 'fdm' = fast distribution matching (reference: Adam 1e-3, 100
   * iterations); 'mi-lite' / 'mi-bulky' = model-inversion condensation (reference: 200 inverter epochs,
   * Adam 1e-3), the paper's alternatives. `iterations` = FDM iterations or inverter epochs.
   */
  condensation: {
    method: 'fdm' | 'mi-lite' | 'mi-bulky';
    iterations: number;
    lr: number;
    /** Model inversion's network sizes (default: the reference's InvertedMLP and bucket MLP, 40 bucket epochs). */
    inverter?: { inverterHidden?: number[]; bucketHidden?: number[]; bucketEpochs?: number };
  };
  /** Remembrance images per class and where they come from (see lib/data/splits remembranceSplit). */
  remembrance: { ipc: number; source: 'held-out' | 'reference' };
  /** The offline phase (defaults: the reference's, docs/reference/modular-2024.md#b5). */
  offline: Partial<ModularOfflineSettings>;
  /** Cut every method's preset config to a smoke run. */
  smoke: boolean;
  seeds: number;
  requests: ForgetRequest[];
  methods: string[];
}

/** The reference's pretraining (docs/reference/modular-2024.md#b3): Adam 1e-3, batch 256, 30 epochs, no schedule, no augmentation. */
const ADAM = { kind: 'adam' as const };
const recipe = (model: string, modelOptions: Record<string, unknown>, epochs = 30, batchSize = 256): TrainRecipe => ({
  model,
  modelOptions,
  epochs,
  batchSize,
  lr: 1e-3,
  optimizer: ADAM,
  schedule: { kind: 'constant' },
});

/**
 * smoke: 40 images per class, tiny models, every loop cut to a step or two: the plumbing only.
 * cpu: Fashion-MNIST, 300 training images per class (the memorising cpu regime's size), the reference's
 *   MLP (784-512-128-10) and its CNN at half width (conv 16-32-64-128, FC 512, dropout 0.5; the full one
 *   costs 6 ms per image and epoch on one loaded core against the MLP's 0.45, and every baseline trains
 *   the reference's 30 epochs, 10 class-wise as the paper says, about 450 epochs per seed and model in all; half width costs 2.5 ms),
 *   trained with the reference's recipe; K = 30 per class (10 images per cluster, as 450 of 4500); ipc 10 held out of the test split's
 *   pool (the 10% of the test set not evaluated on); the offline phase at the reference's settings except
 *   Intermediate's epochs (4 instead of 20 per round: 20 x 10 rounds would be 67 passes over the training
 *   set, longer than pretraining, on 2 cores).
 * gpu-paper: CIFAR-10 as the reference (4500 per class), its four models, K = 450, ipc 10.
 */
export const MODULAR_PRESETS: Record<PresetName, ModularPaperSetting> = {
  smoke: {
    data: { dataset: 'fashion-mnist', trainPerClass: 40, testPerClass: 40, testPoolFraction: 0.5 },
    models: [recipe('mlp', { hidden: [32, 16] }, 3, 64), recipe('cnn4', { widths: [4, 4, 8, 8], hidden: 16 }, 3, 64)],
    kPerClass: 4,
    condensation: { method: 'fdm', iterations: 2, lr: 1e-3 },
    remembrance: { ipc: 2, source: 'held-out' },
    offline: { iterations: 1, finalEpochs: 1, intermediateEpochs: 1, batchSize: 64, finalBatchSize: 8 },
    smoke: true,
    seeds: 1,
    requests: MODULAR_REQUESTS,
    methods: MODULAR_METHODS,
  },
  cpu: {
    data: { dataset: 'fashion-mnist', trainPerClass: 300, testPoolFraction: 0.1 },
    models: [recipe('mlp', { hidden: [512, 128] }), recipe('cnn4', { widths: [16, 32, 64, 128], hidden: 512 })],
    kPerClass: 30,
    condensation: { method: 'fdm', iterations: 100, lr: 1e-3 },
    remembrance: { ipc: 10, source: 'held-out' },
    offline: { intermediateEpochs: 4 },
    smoke: false,
    seeds: 3,
    requests: MODULAR_REQUESTS,
    methods: MODULAR_METHODS,
  },
  'gpu-paper': {
    data: { dataset: 'cifar10', trainPerClass: 4500, testPoolFraction: 0.1 },
    models: [recipe('mlp', { hidden: [512, 128] }), recipe('cnn4', {}), recipe('resnet18', { stem: 'imagenet' }, 3), recipe('vgg16', {})],
    kPerClass: 450,
    condensation: { method: 'fdm', iterations: 100, lr: 1e-3 },
    remembrance: { ipc: 10, source: 'held-out' },
    offline: {},
    smoke: false,
    seeds: 3,
    requests: MODULAR_REQUESTS,
    methods: MODULAR_METHODS,
  },
};

/** The datasets each preset can run (--dataset): the reference ran CIFAR-10 and SVHN, both 4500 training images per class. */
export const MODULAR_DATASETS: Record<PresetName, string[]> = { smoke: ['fashion-mnist'], cpu: ['fashion-mnist'], 'gpu-paper': ['cifar10', 'svhn'] };

/**
 * The preset's setting with the run's flags applied: another dataset (--dataset, checked against
 * MODULAR_DATASETS), one of its models (--model), one forget request (--forget).
 */
export function modularSettingFor(preset: PresetName, p: ModularPaperSetting, o: { dataset?: string; model?: string; forget?: string } = {}): ModularPaperSetting {
  let out = p;
  if (o.dataset != null) {
    const allowed = MODULAR_DATASETS[preset];
    if (!allowed.includes(o.dataset)) {
      throw new Error(`modular-unlearning: preset ${preset} runs ${allowed.join(' or ')}, not '${o.dataset}'. Pass --dataset ${allowed.join(' or --dataset ')}.`);
    }
    out = { ...out, data: { ...out.data, dataset: o.dataset } };
  }
  if (o.model != null) {
    const models = out.models.filter((m) => m.model === o.model);
    if (models.length === 0) throw new Error(`modular-unlearning: preset ${preset} has the models ${out.models.map((m) => m.model).join(', ')}, not '${o.model}'.`);
    out = { ...out, models };
  }
  if (o.forget != null) out = { ...out, requests: [parseForgetRequest(o.forget)] };
  return out;
}

/** The lib/unlearn preset of a model and request: 'modular-<model>' or, class-wise, 'modular-<model>-class'. */
export function modularMethodPreset(model: string, request: ForgetRequest): string {
  return request.kind === 'class' ? `modular-${model}-class` : `modular-${model}`;
}

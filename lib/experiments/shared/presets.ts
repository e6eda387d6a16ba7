import type { PartitionOptions } from '../../condense/partition';
import type { ReduceOptions } from '../../condense/reduced-retain';
import { NOTEBOOK_PRESETS, type NotebookPresetName } from '../../report/notebook';
import { presetConfig, smokeCut, unlearnPresetNames, UNLEARN_PRESETS } from '../../unlearn';
import type { ExperimentData, TrainRecipe } from './scenario';
// The cpu original-model regime is the one the memorisation-regime sweep chose.
import { CPU_MEMORISING } from '../memorisation-regime/settings';

/**
 * smoke: seconds (tests, CI, notebooks under test); cpu: minutes on a 2-core laptop; gpu-paper: the
 * paper's setting. The names live in lib/report (currentPreset reads UNLEARN_PRESET) because lib/
 * modules below experiments/ need them too.
 */
export const PRESET_NAMES = NOTEBOOK_PRESETS;
export type PresetName = NotebookPresetName;

/** The entry of a per-preset table; an unknown name gets the one unknown-name wording. */
export function presetOf<T>(table: Record<PresetName, T>, name: string): T {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown preset '${name}'. Choose one of: ${PRESET_NAMES.join(', ')}.`);
  }
  return table[name as PresetName];
}

/** The shared setting of the Blend/A-AMU experiments: data, original model, partition and Blend. */
export interface BlendPaperSetting {
  data: ExperimentData;
  recipe: TrainRecipe;
  /** k-means partition (k = clusters per class = the reference's IPC). */
  partition: Omit<PartitionOptions, 'seed' | 'timer'>;
  /** Blend settings for the reduced retain set. */
  blend: Omit<ReduceOptions, 'seed' | 'timer'>;
  /** Which unlearning hyperparameter preset the methods use (lib/unlearn presets). */
  methodPreset: string;
}

const SGD = { kind: 'sgd' as const, momentum: 0.9, weightDecay: 5e-4 };

/**
 * smoke: 400 Fashion-MNIST images, a width-8 ConvNet, one epoch per method: checks the plumbing only.
 * cpu: the papers' regime at CPU scale: an original model that memorises its training set, as the
 *   papers' do (issue 15). 3000 Fashion-MNIST training images (300 per class), a width-32 ConvNet
 *   trained 30 epochs with SGD 0.05, momentum 0.9, constant rate, no weight decay, no augmentation:
 *   100% train accuracy, about 87% test, MIA 59 against Retrain's 49 (results/memorisation-regime/cpu,
 *   the candidate CPU_MEMORISING). The full test set (7000 pool / 3000 evaluation). k = 60 clusters per
 *   class (mean cluster size 5, as CIFAR-10's 5000 images / 1000 clusters in the paper). Blend's random
 *   extractor is a width-32 ConvNet instead of the reference's width 128: the k-means/Blend features then
 *   cost 16x fewer FLOPs on a CPU.
 * gpu-paper: CIFAR-10, instance-norm ResNet-18, the paper's pretraining (docs/reference/blend-a-amu.md#a4), k = 1000.
 * The Blend/A-AMU experiments and the SULI ones share these data and recipes, so cached original models are shared.
 */
export const BLEND_PAPER_SETTINGS: Record<PresetName, BlendPaperSetting> = {
  smoke: {
    data: { dataset: 'fashion-mnist', trainPerClass: 40, testPerClass: 40, testPoolFraction: 0.7 },
    recipe: { model: 'convnet', modelOptions: { width: 8 }, epochs: 3, batchSize: 32, lr: 0.05, optimizer: SGD, schedule: { kind: 'cosine' } },
    partition: { k: 8, extractor: { arch: 'convnet', options: { width: 8 } } },
    blend: { extractorSpec: { arch: 'convnet', options: { width: 8 } } },
    methodPreset: 'smoke',
  },
  cpu: {
    data: { dataset: 'fashion-mnist', trainPerClass: CPU_MEMORISING.trainPerClass, testPoolFraction: 0.7 },
    recipe: CPU_MEMORISING.recipe,
    partition: { k: 60, extractor: { arch: 'convnet', options: { width: 32 } } },
    blend: { extractorSpec: { arch: 'convnet', options: { width: 32 } } },
    methodPreset: 'cpu',
  },
  'gpu-paper': {
    data: { dataset: 'cifar10', testPoolFraction: 0.7 },
    recipe: {
      model: 'resnet18',
      modelOptions: { norm: 'instance' },
      epochs: 200,
      batchSize: 64,
      lr: 0.1,
      optimizer: SGD,
      schedule: { kind: 'cosine', warmup: 10 },
    },
    partition: { k: 1000 },
    blend: {},
    methodPreset: 'cifar10-resnet18',
  },
};

/**
 * The hyperparameters a method runs with (lib/unlearn presets): 'cpu' -> the Fashion-MNIST cpu values for
 * the full or the Blend-reduced retain set; 'smoke' -> those cut to one epoch; '<dataset>-<model>' -> the reference values for the full
 * or the Blend-reduced retain set (the reference tuned them separately). Methods a preset does not list
 * keep their own defaults.
 */
export function methodConfig(methodPreset: string, method: string, retainSet: 'full' | 'blend' = 'full'): Record<string, unknown> {
  const name = methodPreset === 'smoke' || methodPreset === 'cpu' ? `cpu-${retainSet}` : `${methodPreset}-${retainSet}`;
  if (!unlearnPresetNames().includes(name)) {
    throw new Error(`Unknown unlearning preset '${name}'. Choose one of: ${unlearnPresetNames().join(', ')}.`);
  }
  if (!(method in UNLEARN_PRESETS[name].methods)) return {};
  const c = presetConfig(name, method);
  return methodPreset === 'smoke' ? smokeCut(method, c) : c;
}

import { concatDatasets, type Dataset } from '../../data/dataset';
import { lossLogisticMia, LOSS_MIA_PRESETS } from '../../metrics/mia-loss-logistic';
import type { Classifier } from '../../models/classifier';
import type { Cell } from '../../results';
import { accuracyOf, predict } from '../../train/evaluate';
import type { ProgressSink } from '../../train/progress';
import { getUnlearner, HEALTHY, measuredHealth, presetConfig, type HealthStatus, type RunHealth, type UnlearnInputs, type UnlearnResult } from '../../unlearn';
import type { ExperimentInfo, RunOptions } from './experiment';
import { methodOfLabel } from './measure';
import { checkMethods, startRun, withUnlearned, type Run } from './harness';
import { BLEND_PAPER_SETTINGS, presetOf, type PresetName } from './presets';
import type { ExperimentData, Scenario, TrainRecipe } from './scenario';
import type { PaperDatasetKey } from './suli-paper-numbers';

/**
 * The shared setting of the SULI paper's (003) experiments: data, original model, which methods run
 * and with which hyperparameters, per preset and dataset, plus the measurement of one unlearned
 * model (docs/reference/suli.md#s6, #s8) and the paper's numbers (Tables 2-5) for comparison.
 */

/** The methods of the paper's tables, in its column order (Retrain is the gold standard). */
export const SULI_PAPER_METHODS = ['retrain', 'neggrad', 'random-label', 'initial-label', 'boundary-shrink', 'adv-imp', 'su', 'suli'] as const;

/** Paper names of our method keys (for tables next to the paper's). */
export const SULI_METHOD_LABELS: Record<string, string> = {
  original: 'Original',
  retrain: 'Retrain',
  neggrad: 'NegGrad',
  'random-label': 'Random Label',
  'initial-label': 'Initial Label',
  'boundary-shrink': 'Boundary Shrink',
  'adv-imp': 'ADV+IMP',
  su: 'SU',
  suli: 'SULI',
};

/** Paper name of a method key (the key itself when it has none). */
export const suliLabel = (label: string): string => {
  // A flagged run's table label keeps its mark: 'suli [diverged]' -> 'SULI [diverged]'.
  const method = methodOfLabel(label);
  return (SULI_METHOD_LABELS[method] ?? method) + label.slice(method.length);
};

/** Which of the paper's datasets our numbers are put beside. */
export type SuliPaperDataset = PaperDatasetKey;

export interface SuliSetting {
  /** Short description for reports, e.g. 'Fashion-MNIST, ConvNet width 32'. */
  label: string;
  data: ExperimentData;
  recipe: TrainRecipe;
  /** Class forgotten in the class-wise runs (the public code forgets CIFAR-10 class 1). */
  forgetClass: number;
  /** Instance counts of Table 3. */
  instanceCounts: number[];
  /** Methods of both protocols (Retrain included: every unlearning row is read against it). */
  methods: string[];
  /** Partial configs per method, shared by both modes (the runner adds `mode`). */
  configs: Record<string, Record<string, unknown>>;
  seeds: number;
  /** Which of the paper's datasets our numbers are put beside. */
  paperDataset: SuliPaperDataset;
}

const SGD = { kind: 'sgd' as const, momentum: 0.9, weightDecay: 5e-4 };

/** Fashion-MNIST cpu settings of each method: the unlearning preset 'cpu-suli' (lib/unlearn/presets.ts). */
const cpuSuli = (method: string) => presetConfig('cpu-suli', method);
const CPU_CONFIGS: Record<string, Record<string, unknown>> = Object.fromEntries(SULI_PAPER_METHODS.map((m) => [m, cpuSuli(m)]));

/** Smoke: the cpu settings with budgets cut to a few steps (plumbing only). */
const SMOKE_CONFIGS: Record<string, Record<string, unknown>> = {
  retrain: { epochs: 1, lr: 0.05, warmupEpochs: 0, batchSize: 64 },
  neggrad: { epochs: 3 },
  'random-label': { epochs: 3 },
  'initial-label': { epochs: 3 },
  'boundary-shrink': { ...cpuSuli('boundary-shrink'), epochs: 2 },
  'adv-imp': { ...cpuSuli('adv-imp'), numAdvPerSample: 1, pgdIterations: 3, epochs: 2 },
  su: { ...cpuSuli('su'), epochs: 3 },
  suli: { ...cpuSuli('suli'), passes: 2, layerSize: 20 },
};

const FASHION_CPU: SuliSetting = {
  label: `Fashion-MNIST (${BLEND_PAPER_SETTINGS.cpu.data.trainPerClass} images per class, the memorising cpu original), ConvNet width 32`,
  // The single-round cpu data and recipe, so the cached original model is shared with the Blend runners.
  data: BLEND_PAPER_SETTINGS.cpu.data,
  recipe: BLEND_PAPER_SETTINGS.cpu.recipe,
  forgetClass: 0,
  instanceCounts: [64, 128, 256, 512],
  methods: [...SULI_PAPER_METHODS],
  configs: CPU_CONFIGS,
  seeds: 1,
  paperDataset: 'CIFAR-10',
};

const FASHION_SMOKE: SuliSetting = {
  label: 'Fashion-MNIST (40 images per class), ConvNet width 8',
  data: BLEND_PAPER_SETTINGS.smoke.data,
  recipe: BLEND_PAPER_SETTINGS.smoke.recipe,
  forgetClass: 0,
  instanceCounts: [16],
  methods: [...SULI_PAPER_METHODS],
  configs: SMOKE_CONFIGS,
  seeds: 1,
  paperDataset: 'CIFAR-10',
};

/** gpu-paper: the paper's datasets and models; the methods keep their defaults (the public code / reference values). */
const PAPER_DEFAULTS: Record<string, Record<string, unknown>> = Object.fromEntries(SULI_PAPER_METHODS.map((m) => [m, {}]));

export const SULI_SETTINGS: Record<PresetName, Record<string, SuliSetting>> = {
  smoke: { 'fashion-mnist': FASHION_SMOKE },
  cpu: { 'fashion-mnist': FASHION_CPU },
  'gpu-paper': {
    // The public code: CIFAR-10, ResNet-18 (batch norm, CIFAR stem) trained 40 epochs with SGD 0.1 (docs/reference/suli.md#s2), class 1 forgotten.
    cifar10: {
      label: 'CIFAR-10, ResNet-18',
      data: { dataset: 'cifar10', testPoolFraction: 0.7 },
      recipe: { model: 'resnet18', modelOptions: { norm: 'batch' }, epochs: 40, batchSize: 256, lr: 0.1, optimizer: SGD, schedule: { kind: 'cosine' } },
      forgetClass: 1,
      instanceCounts: [64, 128, 256, 512],
      methods: [...SULI_PAPER_METHODS],
      configs: { ...PAPER_DEFAULTS, retrain: { epochs: 40, batchSize: 256, lr: 0.1, warmupEpochs: 0 } },
      seeds: 5,
      paperDataset: 'CIFAR-10',
    },
    // UTKFace age groups (loader default grouping) at 32 x 32 on All-CNN; Adam/OneCycle-like recipe of docs/reference/suli.md#s2 [inferred].
    utkface: {
      label: 'UTKFace, All-CNN',
      data: { dataset: 'utkface', testPoolFraction: 0.7 },
      recipe: { model: 'allcnn', modelOptions: {}, epochs: 40, batchSize: 256, lr: 0.01, optimizer: { kind: 'adam' }, schedule: { kind: 'cosine', warmup: 4 } },
      forgetClass: 0,
      instanceCounts: [64, 128, 256, 512],
      methods: [...SULI_PAPER_METHODS],
      configs: { ...PAPER_DEFAULTS, retrain: { epochs: 40, batchSize: 256, lr: 0.1, warmupEpochs: 0 } },
      seeds: 5,
      paperDataset: 'UTKFace',
    },
    // 10 VGGFace2 identities at 224 x 224 on ResNet-50 (Boundary Unlearning's setting, docs/reference/suli.md#s11 [inferred]).
    vggface2: {
      label: 'VGGFace2 (10 identities), ResNet-50',
      data: { dataset: 'vggface2', testPoolFraction: 0.7 },
      recipe: { model: 'resnet50', modelOptions: {}, epochs: 40, batchSize: 64, lr: 0.01, optimizer: SGD, schedule: { kind: 'cosine', warmup: 2 } },
      forgetClass: 0,
      instanceCounts: [64, 128, 256, 512],
      methods: [...SULI_PAPER_METHODS],
      configs: { ...PAPER_DEFAULTS, retrain: { epochs: 40, batchSize: 64, lr: 0.01, warmupEpochs: 2 } },
      seeds: 5,
      paperDataset: 'VggFace2',
    },
  },
};

/** The setting of a preset and (optional) dataset; errors name what the preset supports. */
export function suliSetting(preset: PresetName, dataset?: string): SuliSetting {
  const byData = presetOf(SULI_SETTINGS, preset);
  const names = Object.keys(byData);
  const key = dataset ?? names[0];
  const s = byData[key];
  if (s == null) throw new Error(`Unknown dataset '${dataset}' for preset '${preset}'. Choose one of: ${names.join(', ')}.`);
  return s;
}

/** Checks a method list against the registry and the setting's configs. */
export function checkSuliMethods(experiment: string, methods: string[], setting: SuliSetting): void {
  checkMethods(experiment, methods);
  for (const m of methods) {
    if (setting.configs[m] == null) throw new Error(`${experiment}: no settings for method '${m}' in this preset. Choose one of: ${Object.keys(setting.configs).join(', ')}.`);
  }
}

/**
 * The start every SULI runner shares: the preset's setting for the dataset (`o.dataset`, else the
 * preset's first), then the harness (option, seed and method checks; default seeds and methods from the
 * setting), then the check that the setting has a config for every method.
 */
export async function startSuliRun(e: ExperimentInfo, o: RunOptions, defaultMethods?: string[]): Promise<{ setting: SuliSetting; run: Run }> {
  const setting = suliSetting(o.preset, o.dataset);
  const run = await startRun(e, o, { seeds: setting.seeds, methods: defaultMethods ?? setting.methods });
  checkSuliMethods(e.name, run.methods, setting);
  return { setting, run };
}

/** The config a method runs with: the preset's values plus the protocol ('class' / 'instance'; Retrain has no mode). */
export function suliMethodConfig(setting: SuliSetting, method: string, mode: 'class' | 'instance'): Record<string, unknown> {
  const base = { ...setting.configs[method] };
  return getUnlearner(method).uses.retain ? base : { ...base, mode };
}

/** The inputs of one method of the paper on a scenario (the forget-only methods get the reference set instance-wise). */
export function suliInputs(
  setting: SuliSetting,
  method: string,
  mode: 'class' | 'instance',
  s: Scenario,
  seed: number,
  onProgress?: ProgressSink,
): UnlearnInputs {
  return {
    original: s.original,
    retain: s.retain,
    forget: s.forget,
    testPool: s.testPool,
    reference: mode === 'instance' ? s.reference : undefined,
    config: suliMethodConfig(setting, method, mode),
    seed,
    onProgress,
  };
}

/** Runs one method of the paper and hands its result to `use`; the unlearned model is freed afterwards either way. */
export function withSuliMethod<T>(
  setting: SuliSetting,
  method: string,
  mode: 'class' | 'instance',
  s: Scenario,
  seed: number,
  onProgress: ProgressSink | undefined,
  use: (res: UnlearnResult) => T | Promise<T>,
): Promise<T> {
  return withUnlearned(method, suliInputs(setting, method, mode, s, seed, onProgress), use);
}

/** What a run cost: whole call (s), update time as the paper counts it (s), history rows (epochs or SULI's layer updates). */
export interface SuliCost {
  seconds: number;
  paperSeconds: number;
  updates: number;
}

/**
 * Measures the original model and then each method's unlearned model on one scenario, handing each
 * to `each` in that order ('original' first, at no cost). The unlearned models are freed as it goes.
 */
export async function measureSuliRuns(
  setting: SuliSetting,
  methods: string[],
  mode: 'class' | 'instance',
  s: Scenario,
  test: Dataset,
  seed: number,
  onProgress: ProgressSink | undefined,
  each: (method: string, m: SuliMeasures, cost: SuliCost) => void,
): Promise<void> {
  each('original', await measureSuli(s.original, s, test, mode, seed, HEALTHY), { seconds: 0, paperSeconds: 0, updates: 0 });
  for (const method of methods) {
    const [m, cost] = await withSuliMethod(setting, method, mode, s, seed, onProgress, async (res) => {
      const c: SuliCost = { seconds: res.timing.seconds, paperSeconds: paperSeconds(res), updates: res.history.length };
      return [await measureSuli(res.model, s, test, mode, seed, res.health), c] as const;
    });
    each(method, m, cost);
  }
}

/** The whole test split of a scenario (pool + evaluation): the SULI protocol has no test pool. */
export function fullTestSet(s: Pick<Scenario, 'testPool' | 'testEval'>): Dataset {
  return concatDatasets(`${s.testEval.name}-test`, [s.testPool, s.testEval]);
}

/** What one model scores on the paper's metrics. Accuracies and the MIA (the attack's accuracy; ideal 0.5) as fractions. */
export interface SuliMeasures {
  retainAcc: number;
  forgetAcc: number;
  /** Accuracy on the whole test split. */
  testAcc: number;
  /** Class-wise: test accuracy on the retained classes (A_Dtr) and on the forgotten class (A_Dtf). */
  testRetainAcc?: number;
  testForgetAcc?: number;
  /** Instance-wise: accuracy on the 1 % reference set. */
  referenceAcc?: number;
  mia: number;
  miaStd: number;
  /** The divergence guard's verdict (lib/unlearn/framework/health.ts); tables mark the method when it is not 'ok'. */
  status: HealthStatus;
  statusReason: string;
}

/**
 * The paper's metrics for one model. `test` is the full test split; class-wise, it is also split
 * into the retained classes and the forgotten ones. MIA: 10-fold loss attack, forget vs
 * class-matched test (LOSS_MIA_PRESETS.suli, docs/reference/suli.md#s8).
 */
export async function measureSuli(
  model: Classifier,
  s: Pick<Scenario, 'retain' | 'forget' | 'reference'>,
  test: Dataset,
  mode: 'class' | 'instance',
  seed: number,
  health: RunHealth,
): Promise<SuliMeasures> {
  // One prediction pass per set: accuracies and the attack's losses come from the same outputs.
  const pf = await predict(model, s.forget);
  const pt = await predict(model, test);
  const mia = lossLogisticMia({ values: pf.losses, classes: pf.labels }, { values: pt.losses, classes: pt.labels }, { ...LOSS_MIA_PRESETS.suli, seed });
  const retainAcc = accuracyOf(await predict(model, s.retain));
  const testAcc = accuracyOf(pt);
  const verdict = measuredHealth(health, [
    { name: 'retain accuracy', accuracy: retainAcc, set: s.retain },
    { name: 'test accuracy', accuracy: testAcc, set: test },
  ]);
  const out: SuliMeasures = {
    retainAcc,
    forgetAcc: accuracyOf(pf),
    testAcc,
    mia: mia.accuracy,
    miaStd: mia.std,
    status: verdict.status,
    statusReason: verdict.reason,
  };
  if (mode === 'class') {
    const forgotten = new Set(s.forget.labels);
    out.testRetainAcc = accuracyOf(pt, (y) => !forgotten.has(y));
    // A test split without the forgotten classes has no A_Dtf.
    if (pt.labels.some((y) => forgotten.has(y))) out.testForgetAcc = accuracyOf(pt, (y) => forgotten.has(y));
  } else if (s.reference) {
    out.referenceAcc = accuracyOf(await predict(model, s.reference));
  }
  return out;
}

/**
 * A paper's (mean, std) pair as a report cell: "96.03 (sd 0.12)" (null when the paper has none). Written
 * apart from our cells' "mean ± 95% CI" so a published standard deviation never reads as our interval.
 */
export const paperCell = (v: readonly [number, number] | undefined, digits = 2): Cell => (v == null ? null : `${v[0].toFixed(digits)} (sd ${v[1].toFixed(digits)})`);

/** Wall time of a run as the paper times it: the update steps (and adversarial generation), not sorting or the stop checks. */
export function paperSeconds(r: UnlearnResult): number {
  const p = r.timing.phases;
  const excluded = (p['stop-check'] ?? 0) + (p.sort ?? 0) + (p.rollback ?? 0);
  return Math.max(0, r.timing.seconds - excluded);
}

import type { ExperimentInfo } from '../shared/experiment';
import type { PresetName } from '../shared/presets';
import type { ExperimentData, TrainRecipe } from '../shared/scenario';

export const MEMORISATION_REGIME: ExperimentInfo = {
  name: 'memorisation-regime',
  title:
    "The papers' regime (DESIGN.md Presets): recipes whose original model memorises (no augmentation, no weight decay); " +
    'train / test accuracy, gap, MIA score of the original vs Retrain; optional LiRA',
  flags: ['seeds', 'candidate', 'shadows'],
};

/** One candidate recipe: the training subset (class-balanced, per class) and how the original model (and Retrain) is trained. */
export interface RegimeCandidate {
  /** Unique name (the CLI's --candidate); regimeCandidate() derives it from the recipe. */
  name: string;
  /** Training images per class (a seeded class-balanced subset of the training split). */
  trainPerClass: number;
  recipe: TrainRecipe;
}

/** The knobs of a candidate: subset size, ConvNet width/depth, optimisation. No weight decay, no augmentation. */
export interface CandidateSpec {
  trainPerClass: number;
  width: number;
  /** ConvNet conv blocks (default 3, the reference's). */
  depth?: number;
  epochs: number;
  batchSize: number;
  /** 'sgd': momentum 0.9, weight decay 0; 'adam': PyTorch defaults, weight decay 0. */
  optimizer: 'sgd' | 'adam';
  lr: number;
  schedule: 'constant' | 'cosine';
  /** Name override (default: derived from the knobs, e.g. 'n300-w32-sgd0.05-const-e30-b64'). */
  name?: string;
}

/** A candidate from its knobs; its name spells them out so that the CLI and the tables can name it. */
export function regimeCandidate(c: CandidateSpec): RegimeCandidate {
  const depth = c.depth ?? 3;
  const name =
    c.name ??
    `n${c.trainPerClass}-w${c.width}${depth === 3 ? '' : `-d${depth}`}-${c.optimizer}${c.lr}-${c.schedule === 'constant' ? 'const' : 'cos'}-e${c.epochs}-b${c.batchSize}`;
  return {
    name,
    trainPerClass: c.trainPerClass,
    recipe: {
      model: 'convnet',
      modelOptions: { width: c.width, depth },
      epochs: c.epochs,
      batchSize: c.batchSize,
      lr: c.lr,
      optimizer: c.optimizer === 'sgd' ? { kind: 'sgd', momentum: 0.9, weightDecay: 0 } : { kind: 'adam', weightDecay: 0 },
      schedule: { kind: c.schedule },
    },
  };
}

/** What "memorises as the papers' originals do" means here (accuracies as fractions; MIA scores as AUC x 100). */
export interface MemorisationCriteria {
  /** Train accuracy of the original model (on its whole training subset). */
  minTrainAcc: number;
  /** Train accuracy minus test accuracy (evaluation split). */
  minGap: number;
  /** The paper's MIA score of the original model on the forget set. */
  minMia: number;
  /** MIA(original) - MIA(Retrain). */
  minSeparation: number;
  /** Forget samples the MIA needs (its estimate is noisy below that). */
  minForget: number;
}

export const MEMORISATION_CRITERIA: MemorisationCriteria = { minTrainAcc: 0.99, minGap: 0.1, minMia: 56, minSeparation: 5, minForget: 300 };

export interface MemorisationRegimePreset {
  dataset: string;
  /** Test images kept per class (undefined = all; smoke caps it). */
  testPerClass?: number;
  /** Share of the test set held as the class-matched pool; the rest is the evaluation split (test accuracy, MIA). */
  testPoolFraction: number;
  /** The forget set: this uniform share of the training subset. */
  forgetFraction: number;
  seeds: number;
  candidates: RegimeCandidate[];
  criteria: MemorisationCriteria;
}

/** The data of a candidate as the shared scenario code takes it. */
export function candidateData(p: MemorisationRegimePreset, c: RegimeCandidate): ExperimentData {
  return { dataset: p.dataset, trainPerClass: c.trainPerClass, testPerClass: p.testPerClass, testPoolFraction: p.testPoolFraction };
}

const SMOKE_CANDIDATES = [
  regimeCandidate({ trainPerClass: 40, width: 8, epochs: 2, batchSize: 32, optimizer: 'sgd', lr: 0.05, schedule: 'constant' }),
  regimeCandidate({ trainPerClass: 40, width: 8, epochs: 2, batchSize: 32, optimizer: 'adam', lr: 1e-3, schedule: 'constant' }),
];

/**
 * The cpu grid, most informative first (the sweep is resumable, so it can be stopped after any
 * candidate). Throughput measured here (wasm, 2 threads, 28x28x1): ConvNet width 32 about 410
 * images/s, width 64 about 230, width 128 about 86 (so width 128 is left to gpu-paper: 20 epochs on
 * 3000 images, original + Retrain, would take about 22 minutes). A candidate costs about
 * 1.9 x images x epochs / throughput (the original, then Retrain on 90% of the images).
 */
/**
 * The cpu regime every runner's original model uses (shared/presets.ts BLEND_PAPER_SETTINGS.cpu): the
 * candidate the committed cpu sweep chose (results/memorisation-regime/cpu; test/experiments checks it).
 */
export const CPU_MEMORISING = regimeCandidate({ trainPerClass: 300, width: 32, epochs: 30, batchSize: 64, optimizer: 'sgd', lr: 0.05, schedule: 'constant' });

const CPU_CANDIDATES = [
  CPU_MEMORISING,
  regimeCandidate({ trainPerClass: 300, width: 32, epochs: 30, batchSize: 64, optimizer: 'adam', lr: 1e-3, schedule: 'constant' }),
  regimeCandidate({ trainPerClass: 300, width: 32, epochs: 30, batchSize: 64, optimizer: 'sgd', lr: 0.05, schedule: 'cosine' }),
  regimeCandidate({ trainPerClass: 300, width: 64, epochs: 30, batchSize: 64, optimizer: 'sgd', lr: 0.05, schedule: 'constant' }),
  regimeCandidate({ trainPerClass: 300, width: 64, epochs: 30, batchSize: 64, optimizer: 'adam', lr: 1e-3, schedule: 'constant' }),
  regimeCandidate({ trainPerClass: 300, width: 32, epochs: 60, batchSize: 128, optimizer: 'adam', lr: 1e-3, schedule: 'constant' }),
  regimeCandidate({ trainPerClass: 600, width: 32, epochs: 30, batchSize: 128, optimizer: 'sgd', lr: 0.05, schedule: 'constant' }),
];

const GPU_CANDIDATES = [
  ...CPU_CANDIDATES,
  regimeCandidate({ trainPerClass: 300, width: 128, epochs: 50, batchSize: 64, optimizer: 'sgd', lr: 0.05, schedule: 'constant' }),
  regimeCandidate({ trainPerClass: 300, width: 128, epochs: 50, batchSize: 64, optimizer: 'adam', lr: 1e-3, schedule: 'constant' }),
  regimeCandidate({ trainPerClass: 600, width: 128, epochs: 50, batchSize: 64, optimizer: 'sgd', lr: 0.05, schedule: 'cosine' }),
];

const FASHION = { dataset: 'fashion-mnist', testPoolFraction: 0.7, forgetFraction: 0.1, criteria: MEMORISATION_CRITERIA };

/**
 * smoke: two tiny candidates (seconds; tests). cpu: Fashion-MNIST, the full test set (7000 pool /
 * 3000 evaluation), one seed, the grid above (about 70 minutes on a 2-core machine). gpu-paper: the
 * cpu grid plus width-128 ConvNets, three seeds.
 */
export const MEMORISATION_REGIME_PRESETS: Record<PresetName, MemorisationRegimePreset> = {
  smoke: { ...FASHION, testPerClass: 40, seeds: 1, candidates: SMOKE_CANDIDATES },
  cpu: { ...FASHION, seeds: 1, candidates: CPU_CANDIDATES },
  'gpu-paper': { ...FASHION, seeds: 3, candidates: GPU_CANDIDATES },
};

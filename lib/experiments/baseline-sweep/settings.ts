import type { ExperimentInfo } from '../shared/experiment';
import { resolvedMethodConfigs } from '../shared/method-configs';
import { BLEND_PAPER_SETTINGS, type BlendPaperSetting, type PresetName } from '../shared/presets';

export const BASELINE_SWEEP: ExperimentInfo = {
  name: 'baseline-sweep',
  title:
    "Blend/A-AMU paper (000), Table 1's methods: hyperparameters swept on the full and the Blend-reduced retain set, " +
    'each config read against Retrain (Avg. Gap) on the 10% uniform forget request',
  flags: ['seeds', 'methods'],
};

/** A grid: per method, the configs tried (each a partial config over the preset's own values for that method and retain set). */
export type SweepGrid = Record<string, Record<string, unknown>[]>;

export interface BaselineSweepPreset extends BlendPaperSetting {
  /** Seeds the sweep runs by default (a later `--seeds 3` run resumes and adds the missing ones). */
  seeds: number;
  /** The forget request: 10% uniform (the MIA criterion is read on it). */
  forgetFraction: number;
  /** The same grid is tried on both retain sets; the choice is made per retain set. */
  grid: SweepGrid;
  /**
   * The fields a method keeps in every config of the grid, per retain set (batch size, warm-up, ...). Fixed
   * here, not read from the unlearning presets: the presets take base + the chosen grid entry, and a cell's
   * key must not change when they do.
   */
  base: Record<RetainSet, Record<string, Record<string, unknown>>>;
}

export type RetainSet = 'full' | 'blend';
export const RETAIN_SETS: readonly RetainSet[] = ['full', 'blend'];

// Why these values (cpu): the original memorises (100% train accuracy, constant SGD 0.05), so a method
// that fine-tunes at a small rate barely moves it and forget accuracy stays at 100%. The grid therefore
// runs from the cpu preset's earlier short values up to rates and epoch counts large enough to undo the
// memorisation, and lets Avg. Gap to Retrain choose. Epochs are capped at 10-12 (A-CF: 3) so that one seed
// of the whole grid (both retain sets) runs in about an hour on 2 cores.
const CPU_GRID: SweepGrid = {
  // Learning rate alone leaves the memorised forget set at 100% (the retain loss is ~0.007, so its
  // gradients are tiny): weight decay, which erodes what the retain set does not keep up, is swept too.
  cf: [
    { lr: 0.04, epochs: 10 },
    { lr: 0.1, epochs: 10 },
    { lr: 0.2, epochs: 10 },
    { lr: 0.04, epochs: 10, weightDecay: 0.01 },
    { lr: 0.1, epochs: 10, weightDecay: 0.01 },
    { lr: 0.04, epochs: 10, weightDecay: 0.05 },
    { lr: 0.1, epochs: 10, weightDecay: 0.05 },
    // A Blend-reduced set gives ~35% fewer steps per epoch, so less decay per epoch: two stronger settings.
    { lr: 0.2, epochs: 10, weightDecay: 0.05 },
    { lr: 0.1, epochs: 10, weightDecay: 0.1 },
  ],
  'l1-sparse': [
    { lr: 0.04, epochs: 10, l1Alpha: 1e-4 },
    { lr: 0.1, epochs: 10, l1Alpha: 1e-4 },
    { lr: 0.04, epochs: 10, l1Alpha: 5e-4 },
    { lr: 0.1, epochs: 10, l1Alpha: 5e-4 },
    { lr: 0.04, epochs: 10, l1Alpha: 2e-3 },
    { lr: 0.1, epochs: 10, l1Alpha: 2e-3 },
  ],
  pruning: [
    { lr: 0.04, epochs: 4, pruneEvery: 1 },
    { lr: 0.1, epochs: 4, pruneEvery: 1 },
    { lr: 0.04, epochs: 12, pruneEvery: 3 },
    { lr: 0.1, epochs: 12, pruneEvery: 3 },
  ],
  scrub: [
    { lr: 0.003, epochs: 5, msteps: 2 },
    { lr: 0.01, epochs: 5, msteps: 2 },
    { lr: 0.003, epochs: 10, msteps: 4 },
    { lr: 0.01, epochs: 10, msteps: 4 },
    // SCRUB starts at a fixed point: the student is the teacher (KL and its gradient are 0 on the forget set) and
    // the retain loss is ~0, so without decay nothing moves (all four settings above end at the original).
    { lr: 0.01, epochs: 5, msteps: 2, weightDecay: 0.05 },
    { lr: 0.01, epochs: 10, msteps: 4, weightDecay: 0.05 },
  ],
  'bad-teacher': [
    { lr: 0.003, epochs: 2 },
    { lr: 0.01, epochs: 2 },
    { lr: 0.003, epochs: 5 },
    { lr: 0.01, epochs: 5 },
  ],
  'a-cf': [
    { lr: 2.4e-4, epochs: 1 },
    { lr: 1e-3, epochs: 1 },
    { lr: 2.4e-4, epochs: 3 },
    { lr: 1e-3, epochs: 3 },
  ],
};

/** What every cpu config keeps: the cpu preset's batch size and warm-up (the SGD methods' momentum and weight decay are the methods' defaults). */
const CPU_BASE: Record<string, Record<string, unknown>> = {
  cf: { warmupEpochs: 1, batchSize: 64 },
  'l1-sparse': { noL1Epochs: 1, batchSize: 64 },
  pruning: { batchSize: 64 },
  scrub: { warmupEpochs: 1, batchSize: 64 },
  'bad-teacher': { batchSize: 64 },
  'a-cf': {},
};

/** On a Blend-reduced set the reference's Bad Teacher mixes in all of it (docs/reference/blend-a-amu.md#a7). */
const CPU_BASE_BLEND: Record<string, Record<string, unknown>> = { ...CPU_BASE, 'bad-teacher': { batchSize: 64, retainFraction: 1 } };

/** The reference values x 0.5, x 1 and x 2 of each method's learning rate (the gpu-paper grid: hours on a GPU). */
const GPU_GRID: SweepGrid = {
  cf: [{ lr: 0.02 }, { lr: 0.04 }, { lr: 0.08 }],
  'l1-sparse': [{ lr: 5e-3 }, { lr: 1e-2 }, { lr: 2e-2 }],
  pruning: [{ lr: 0.02 }, { lr: 0.04 }, { lr: 0.08 }],
  scrub: [{ lr: 5e-3 }, { lr: 1e-2 }, { lr: 2e-2 }],
  'bad-teacher': [{ lr: 5e-3 }, { lr: 1e-2 }, { lr: 2e-2 }],
  'a-cf': [{ lr: 1.2e-4 }, { lr: 2.4e-4 }, { lr: 4.8e-4 }],
};

/** Table 1's methods besides Retrain (Retrain is the target every config is read against). */
export const SWEPT_METHODS = Object.keys(CPU_GRID);

export const BASELINE_SWEEP_PRESETS: Record<PresetName, BaselineSweepPreset> = {
  smoke: {
    ...BLEND_PAPER_SETTINGS.smoke,
    seeds: 1,
    forgetFraction: 0.1,
    grid: { cf: [{ lr: 0.04, epochs: 1 }, { lr: 0.1, epochs: 1 }], 'a-cf': [{ lr: 1e-3, epochs: 1 }] },
    base: { full: CPU_BASE, blend: CPU_BASE_BLEND },
  },
  cpu: { ...BLEND_PAPER_SETTINGS.cpu, seeds: 1, forgetFraction: 0.1, grid: CPU_GRID, base: { full: CPU_BASE, blend: CPU_BASE_BLEND } },
  'gpu-paper': {
    ...BLEND_PAPER_SETTINGS['gpu-paper'],
    seeds: 3,
    forgetFraction: 0.1,
    grid: GPU_GRID,
    // The reference's own values per retain set, the learning rate swept around them.
    base: resolvedMethodConfigs(BLEND_PAPER_SETTINGS['gpu-paper'].methodPreset, RETAIN_SETS) as BaselineSweepPreset['base'],
  },
};

/** A config's label in tables: its swept fields, e.g. 'lr 0.1, epochs 20'. */
export function configLabel(config: Record<string, unknown>): string {
  return Object.entries(config)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

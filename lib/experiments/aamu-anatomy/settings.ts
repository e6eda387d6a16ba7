import type { ExperimentInfo } from '../shared/experiment';
import { PAPER_TABLE1 } from '../shared/paper-000-table1';
import { BLEND_PAPER_SETTINGS, type BlendPaperSetting, type PresetName } from '../shared/presets';
import type { TraceSettings } from './time-to-retrain';

/**
 * Sec. 3.4 of the Blend/A-AMU paper (000) taken apart: the A-AMU regulariser step by step on the
 * original model, forget vs test loss distributions before and after CF and A-CF, a small k / lambda
 * sweep, and the A-CF vs CF speed-up (time for A-CF to reach CF's forgetting). One seed (0).
 */
export const AAMU_ANATOMY: ExperimentInfo = {
  name: 'aamu-anatomy',
  title: 'Blend/A-AMU paper (000), Sec. 3.4: the A-AMU regulariser step by step, CF vs A-CF, k / lambda, speed-up',
  flags: ['seeds'],
};

export interface AamuAnatomyPreset {
  /** Data, original-model recipe and method preset: the single-round setting, so cached models are shared. */
  setting: BlendPaperSetting;
  /** Forget and class-matched test samples in the step-by-step anatomy (one A-AMU step draws 256 each). */
  anatomySamples: number;
  /** Sigmoid slopes k of the smoothed CDF tried in the sweep (lambda at its default). */
  kValues: number[];
  /** Regulariser weights lambda tried in the sweep (k at its default); 0 = the squared main loss alone. */
  lambdaValues: number[];
  /**
   * Shares of the retain set at which A-CF is stopped for the speed-up measurement (1 = the full epoch).
   * Stopping after S steps of a shuffled pass = one pass over a uniformly random subset of 64*S retain samples.
   */
  speedFractions: number[];
  /** Share of the epoch each sweep run trains for (a random retain subset, as the speed checkpoints); 1 = full epoch. */
  sweepFraction: number;
  /** "Reached CF's forgetting": MIA within this many points of CF's final MIA (2). */
  tolerance: number;
  /**
   * Time to Retrain's end state over seeds (--seeds overrides the count): CF and L1 with budgets long
   * enough to get there (or to show that they do not), A-CF's one epoch; MIA probed every few steps.
   */
  trace: TraceSettings;
}

export const AAMU_ANATOMY_PRESETS: Record<PresetName, AamuAnatomyPreset> = {
  smoke: {
    setting: BLEND_PAPER_SETTINGS.smoke,
    anatomySamples: 64,
    kValues: [0.5, 2],
    lambdaValues: [0, 34],
    speedFractions: [0.5, 1],
    sweepFraction: 1,
    tolerance: 2,
    trace: { seeds: 1, tolerance: 2, methods: [{ method: 'cf', config: { epochs: 2 }, everySteps: 2 }, { method: 'a-cf', config: {}, everySteps: 2 }] },
  },
  // One A-CF epoch costs about 6 CF epochs here (256 forget + 256 test samples per 64-sample retain step), so the
  // sweep trains a quarter epoch per setting to keep the run near 10 minutes on 2 cores.
  cpu: {
    setting: BLEND_PAPER_SETTINGS.cpu,
    anatomySamples: 256,
    kValues: [0.5, 2, 8],
    lambdaValues: [0, 34, 100],
    speedFractions: [0.125, 0.25, 0.5, 1],
    sweepFraction: 0.25,
    tolerance: 2,
    // 2700 retain images: 43 steps per epoch at batch 64. Each method runs with the cpu-full preset's config,
    // the baseline sweep's choice (the config that ends closest to Retrain), so CF gets the budget that
    // takes it to Retrain's end state; its time to get there is read off the probes.
    trace: {
      seeds: 3,
      tolerance: 2,
      methods: [
        { method: 'cf', config: {}, everySteps: 10 },
        { method: 'l1-sparse', config: {}, everySteps: 10 },
        { method: 'a-cf', config: {}, everySteps: 3 },
      ],
    },
  },
  'gpu-paper': {
    setting: BLEND_PAPER_SETTINGS['gpu-paper'],
    anatomySamples: 256,
    kValues: [0.5, 1, 2, 4, 8],
    lambdaValues: [0, 10, 34, 100],
    speedFractions: [0.0625, 0.125, 0.25, 0.5, 1],
    sweepFraction: 1,
    tolerance: 2,
    trace: {
      seeds: 3,
      tolerance: 2,
      methods: [
        { method: 'cf', config: { epochs: 50 }, everySteps: 100 },
        { method: 'l1-sparse', config: { epochs: 50 }, everySteps: 100 },
        { method: 'a-cf', config: {}, everySteps: 20 },
      ],
    },
  },
};

/**
 * The paper's A-AMU numbers: Table 1 (ResNet-18 / CIFAR-10, full retain set) CF vs A-CF, the speed-up
 * they imply, and the default k, lambda (docs/reference/blend-a-amu.md#a6).
 */
export const PAPER_AAMU = {
  table1: {
    uniform: { cf: PAPER_TABLE1.uniform.find((r) => r[0] === 'cf')![1], aCf: PAPER_TABLE1.uniform.find((r) => r[0] === 'a-cf')![1] },
    class: { cf: PAPER_TABLE1.class.find((r) => r[0] === 'cf')![1], aCf: PAPER_TABLE1.class.find((r) => r[0] === 'a-cf')![1] },
  },
  /** CF time / A-CF time in Table 1 (561.76 / 76.24 uniform; 577.81 / 75.76 class): "about 7.5x". */
  speedupUniform: 561.76 / 76.24,
  speedupClass: 577.81 / 75.76,
  k: 2,
  lambda: 34,
};

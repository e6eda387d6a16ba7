import { PhaseTimer } from '../../engine/timer';
import { cloneModel } from '../../models/registry';
import type { UnlearnInputs } from '../contract';
import { oneOf, positiveInt, resolveConfig, unitInterval, type Checks } from '../common/config';
import { checkInputs } from '../common/inputs';
import { PLAIN_LOSS, retainPass, type HookableUnlearner, type RetainLossHook } from '../common/retain-loss';
import { runTrainingMethod } from '../common/run-method';
import { PruningMasks, magnitudeScores, prunableWeights, type PrunableLayers } from '../common/sparsity';
import { TRAIN_CHECKS, type TrainConfig } from '../common/training';

export interface PruningConfig extends TrainConfig {
  /** Final fraction of prunable weights set to zero. */
  sparsity: number;
  /** Prune at the start of every epoch e with (epochs - e) mod pruneEvery = 0 (R1: e = 0, 5, 10, 15 of 20). */
  pruneEvery: number;
  layers: PrunableLayers;
}

/** Reference R1 (spec A7), CIFAR-10 ResNet-18 full retain set: SGD 0.04, momentum 0.9, wd 5e-4, 20 epochs, 95 % conv sparsity in 4 steps. */
export const PRUNING_DEFAULTS: PruningConfig = {
  epochs: 20,
  batchSize: 64,
  lr: 0.04,
  optimizer: 'sgd',
  momentum: 0.9,
  weightDecay: 5e-4,
  schedule: 'constant',
  warmupEpochs: 0,
  sparsity: 0.95,
  pruneEvery: 5,
  layers: 'conv',
};

const CHECKS: Checks<PruningConfig> = { ...TRAIN_CHECKS, sparsity: unitInterval, pruneEvery: positiveInt, layers: oneOf('conv', 'conv+linear') };

/** The 0-based epochs that start with a pruning step. */
export function pruningEpochs(c: Pick<PruningConfig, 'epochs' | 'pruneEvery'>): number[] {
  return Array.from({ length: c.epochs }, (_, e) => e).filter((e) => (c.epochs - e) % c.pruneEvery === 0);
}

async function runPruning(inputs: UnlearnInputs<PruningConfig>, hook: RetainLossHook) {
  checkInputs('pruning', inputs, { retain: true });
  const config = resolveConfig('pruning', PRUNING_DEFAULTS, inputs.config, CHECKS);
  const steps = pruningEpochs(config);
  if (steps.length === 0) {
    throw new Error(`pruning: no epoch e < ${config.epochs} has (epochs - e) divisible by pruneEvery ${config.pruneEvery}. Use pruneEvery <= epochs.`);
  }
  // Each step removes the same fraction of the remaining weights, reaching `sparsity` after the last
  // (R1: 1 - 0.05^(1/4) = 52.7 % per step).
  const rate = 1 - (1 - config.sparsity) ** (1 / steps.length);
  const timer = new PhaseTimer();
  const model = timer.time('setup', () => cloneModel(inputs.original));
  let masks: PruningMasks;
  try {
    masks = new PruningMasks(prunableWeights(model, config.layers));
  } catch (e) {
    model.dispose();
    throw e;
  }
  return runTrainingMethod({
    method: 'pruning',
    inputs,
    config,
    model,
    timer,
    hook,
    plan: {
      passes: () => [retainPass(inputs.retain, config.batchSize, hook)],
      beforeEpoch: (epoch) => {
        if (!steps.includes(epoch)) return;
        const t0 = performance.now();
        const remaining = masks.kept();
        masks.keepTop(magnitudeScores(masks), remaining - Math.round(rate * remaining));
        return { pruneSeconds: (performance.now() - t0) / 1000 };
      },
      afterStep: () => masks.apply(),
      epochExtra: () => ({ sparsity: masks.sparsity() }),
    },
    cleanup: () => masks.dispose(),
  });
}

/**
 * Pruning as the Blend/A-AMU reference code does it (the paper calls it SynFlow; the code prunes by
 * magnitude): iterative global unstructured L1-magnitude pruning of Conv2d weights during fine-tuning.
 */
export const pruning: HookableUnlearner<PruningConfig> = {
  name: 'pruning',
  description: 'Fine-tune on the retain set with iterative global magnitude pruning of conv weights to 95 % sparsity (R1 code, spec A7).',
  usesRetain: true,
  defaults: PRUNING_DEFAULTS,
  checks: CHECKS,
  run: (inputs) => runPruning(inputs, PLAIN_LOSS),
  runWithHook: runPruning,
};

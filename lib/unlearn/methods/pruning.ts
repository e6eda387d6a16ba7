import { oneOf, positiveInt, unitInterval, type Checks } from '../framework/config';
import { defineUnlearner } from '../framework/define';
import { plainRetainPasses, RETAIN_USE, retainTraining, TRAIN_CHECKS, type TrainConfig } from '../framework/retain-training';
import { PruningMasks, magnitudeScores, maskedFineTuning, prunableWeights, type PrunableLayers } from '../shared/sparsity';

export interface PruningConfig extends TrainConfig {
  /** Final fraction of prunable weights set to zero. */
  sparsity: number;
  /** Prune at the start of every epoch e with (epochs - e) mod pruneEvery = 0 (DC_Unlearning: e = 0, 5, 10, 15 of 20). */
  pruneEvery: number;
  layers: PrunableLayers;
}

/** Reference DC_Unlearning (docs/reference/blend-a-amu.md#a7), CIFAR-10 ResNet-18 full retain set: SGD 0.04, momentum 0.9, wd 5e-4, 20 epochs, 95 % conv sparsity in 4 steps. */
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

/**
 * Pruning as the Blend/A-AMU reference code does it (the paper calls it SynFlow; the code prunes by
 * magnitude): iterative global unstructured L1-magnitude pruning of Conv2d weights during fine-tuning.
 */
export const pruning = defineUnlearner<PruningConfig>({
  name: 'pruning',
  description: 'Fine-tune on the retain set with iterative global magnitude pruning of conv weights to 95 % sparsity (DC_Unlearning code, docs/reference/blend-a-amu.md#a7).',
  uses: RETAIN_USE,
  modes: [],
  defaults: PRUNING_DEFAULTS,
  checks: CHECKS,
  // No epoch e < epochs has (epochs - e) divisible by pruneEvery otherwise.
  validate: (c) => (pruningEpochs(c).length === 0 ? { key: 'pruneEvery', rule: `<= config.epochs (${c.epochs})` } : null),
  smokeConfig: { epochs: 1, pruneEvery: 1 },
  hookable: true,
  train: retainTraining('pruning', (run) => {
    const steps = pruningEpochs(run.config);
    // Each step removes the same fraction of the remaining weights, reaching `sparsity` after the last
    // (DC_Unlearning: 1 - 0.05^(1/4) = 52.7 % per step).
    const rate = 1 - (1 - run.config.sparsity) ** (1 / steps.length);
    const masks = new PruningMasks(prunableWeights(run.model, run.config.layers));
    return {
      passes: plainRetainPasses(run),
      beforeEpoch: async (epoch) => {
        if (!steps.includes(epoch)) return;
        const t0 = performance.now();
        const remaining = await masks.kept();
        await masks.keepTop(await magnitudeScores(masks), remaining - Math.round(rate * remaining));
        return { pruneSeconds: (performance.now() - t0) / 1000 };
      },
      ...maskedFineTuning(masks),
    };
  }),
});

import { defineUnlearner } from '../framework/define';
import { plainRetainPasses, RETAIN_USE, retainTraining, TRAIN_CHECKS, type TrainConfig } from '../framework/retain-training';
import { freshModelLike } from '../shared/fresh-model';

export type RetrainConfig = TrainConfig;

/** Reference DC_Unlearning (docs/reference/blend-a-amu.md#a7): SGD 0.1, momentum 0.9, wd 5e-4, 100 epochs, warm-up 5 then cosine, batch 64. */
export const RETRAIN_DEFAULTS: RetrainConfig = {
  epochs: 100,
  batchSize: 64,
  lr: 0.1,
  optimizer: 'sgd',
  momentum: 0.9,
  weightDecay: 5e-4,
  schedule: 'cosine',
  warmupEpochs: 5,
};

/** Retraining from scratch on the retain set: the gold standard the approximate methods are compared with. */
export const retrain = defineUnlearner<RetrainConfig>({
  name: 'retrain',
  description: 'Train a freshly initialised model of the same architecture on the retain set only (docs/reference/blend-a-amu.md#a7).',
  uses: RETAIN_USE,
  modes: [],
  defaults: RETRAIN_DEFAULTS,
  checks: TRAIN_CHECKS,
  smokeConfig: { epochs: 1 },
  hookable: true,
  train: retainTraining(
    'retrain',
    (run) => ({ passes: plainRetainPasses(run) }),
    // Initialised from the run seed, not the original's seed.
    ({ inputs }) => freshModelLike(inputs.original, `${inputs.seed}/retrain-init`),
  ),
});

import { freshModelLike } from '../common/fresh-model';
import { hookableMethod, plainRetainPasses } from '../common/run-method';
import { TRAIN_CHECKS, type TrainConfig } from '../common/training';

export type RetrainConfig = TrainConfig;

/** Reference R1 (spec A7): SGD 0.1, momentum 0.9, wd 5e-4, 100 epochs, warm-up 5 then cosine, batch 64. */
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
export const retrain = hookableMethod<RetrainConfig>({
  name: 'retrain',
  description: 'Train a freshly initialised model of the same architecture on the retain set only (spec A7).',
  defaults: RETRAIN_DEFAULTS,
  checks: TRAIN_CHECKS,
  // Initialised from the run seed, not the original's seed.
  initialModel: (inputs) => freshModelLike(inputs.original, `${inputs.seed}/retrain-init`),
  plan: (run) => ({ passes: plainRetainPasses(run) }),
});

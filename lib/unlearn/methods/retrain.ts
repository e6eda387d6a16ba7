import { PhaseTimer } from '../../engine/timer';
import { createModel } from '../../models/registry';
import type { UnlearnInputs } from '../contract';
import { resolveConfig } from '../common/config';
import { checkInputs } from '../common/inputs';
import { PLAIN_LOSS, retainPass, type HookableUnlearner, type RetainLossHook } from '../common/retain-loss';
import { runTrainingMethod } from '../common/run-method';
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

async function runRetrain(inputs: UnlearnInputs<RetrainConfig>, hook: RetainLossHook) {
  checkInputs('retrain', inputs, { retain: true });
  const config = resolveConfig('retrain', RETRAIN_DEFAULTS, inputs.config, TRAIN_CHECKS);
  const timer = new PhaseTimer();
  // A fresh model of the same architecture, initialised from the run seed (not the original's seed).
  const model = timer.time('setup', () => createModel(inputs.original.spec.arch, { ...inputs.original.spec, seed: `${inputs.seed}/retrain-init` }));
  return runTrainingMethod({
    method: 'retrain',
    inputs,
    config,
    model,
    timer,
    hook,
    plan: { passes: () => [retainPass(inputs.retain, config.batchSize, hook)] },
  });
}

/** Retraining from scratch on the retain set: the gold standard the approximate methods are compared with. */
export const retrain: HookableUnlearner<RetrainConfig> = {
  name: 'retrain',
  description: 'Train a freshly initialised model of the same architecture on the retain set only (spec A7).',
  usesRetain: true,
  defaults: RETRAIN_DEFAULTS,
  checks: TRAIN_CHECKS,
  run: (inputs) => runRetrain(inputs, PLAIN_LOSS),
  runWithHook: runRetrain,
};

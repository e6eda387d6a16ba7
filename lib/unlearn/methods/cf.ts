import { PhaseTimer } from '../../engine/timer';
import { cloneModel } from '../../models/registry';
import type { UnlearnInputs } from '../contract';
import { resolveConfig } from '../common/config';
import { checkInputs } from '../common/inputs';
import { PLAIN_LOSS, retainPass, type HookableUnlearner, type RetainLossHook } from '../common/retain-loss';
import { runTrainingMethod } from '../common/run-method';
import { TRAIN_CHECKS, type TrainConfig } from '../common/training';

export type CfConfig = TrainConfig;

/** Reference R1 (spec A7), CIFAR-10 ResNet-18, full retain set: SGD 0.04, momentum 0.502, wd 0.0014, 50 epochs, warm-up 5 + cosine. */
export const CF_DEFAULTS: CfConfig = {
  epochs: 50,
  batchSize: 64,
  lr: 0.04,
  optimizer: 'sgd',
  momentum: 0.502,
  weightDecay: 0.0014,
  schedule: 'cosine',
  warmupEpochs: 5,
};

async function runCf(inputs: UnlearnInputs<CfConfig>, hook: RetainLossHook) {
  checkInputs('cf', inputs, { retain: true });
  const config = resolveConfig('cf', CF_DEFAULTS, inputs.config, TRAIN_CHECKS);
  const timer = new PhaseTimer();
  const model = timer.time('setup', () => cloneModel(inputs.original));
  return runTrainingMethod({
    method: 'cf',
    inputs,
    config,
    model,
    timer,
    hook,
    plan: { passes: () => [retainPass(inputs.retain, config.batchSize, hook)] },
  });
}

/** Catastrophic forgetting / fine-tuning: keep training the original model on the retain set only. */
export const cf: HookableUnlearner<CfConfig> = {
  name: 'cf',
  description: 'Fine-tune the original model on the retain set (CF; Blend/A-AMU reference recipe, spec A7).',
  usesRetain: true,
  defaults: CF_DEFAULTS,
  checks: TRAIN_CHECKS,
  run: (inputs) => runCf(inputs, PLAIN_LOSS),
  runWithHook: runCf,
};

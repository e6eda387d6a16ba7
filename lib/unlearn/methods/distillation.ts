import * as tf from '@tensorflow/tfjs';
import { PhaseTimer } from '../../engine/timer';
import { cloneModel, createModel } from '../../models/registry';
import type { UnlearnInputs } from '../contract';
import { nonNegativeNumber, oneOf, positiveNumber, resolveConfig, type Checks } from '../common/config';
import { teacherKl } from '../common/distill';
import { checkInputs } from '../common/inputs';
import { PLAIN_LOSS, retainPass, type HookableUnlearner, type RetainLossHook } from '../common/retain-loss';
import { runTrainingMethod } from '../common/run-method';
import { TRAIN_CHECKS, type TrainConfig } from '../common/training';

export interface DistillationConfig extends TrainConfig {
  /** Weight of the cross-entropy on retain labels. */
  hardWeight: number;
  /** Weight of the teacher KL. */
  softWeight: number;
  temperature: number;
  /** 'original' = student starts from the original model (R1); 'random' = from scratch (R2, spec B7). */
  studentInit: 'original' | 'random';
}

/**
 * Reference R1 (spec A7), CIFAR-10 ResNet-18 full retain set: student = teacher = original, loss
 * 1.0 CE + 0.001 KL_{T=2} (batch-mean * T^2), SGD 0.04, momentum 0.86, wd 1e-3, 50 epochs, constant lr
 * (its MultiStepLR milestones 50/75 are never reached).
 */
export const DISTILLATION_DEFAULTS: DistillationConfig = {
  epochs: 50,
  batchSize: 64,
  lr: 0.04,
  optimizer: 'sgd',
  momentum: 0.86,
  weightDecay: 1e-3,
  schedule: 'constant',
  warmupEpochs: 0,
  hardWeight: 1,
  softWeight: 0.001,
  temperature: 2,
  studentInit: 'original',
};

const CHECKS: Checks<DistillationConfig> = {
  ...TRAIN_CHECKS,
  hardWeight: nonNegativeNumber,
  softWeight: nonNegativeNumber,
  temperature: positiveNumber,
  studentInit: oneOf('original', 'random'),
};

async function runDistillation(inputs: UnlearnInputs<DistillationConfig>, hook: RetainLossHook) {
  checkInputs('distillation', inputs, { retain: true });
  const config = resolveConfig('distillation', DISTILLATION_DEFAULTS, inputs.config, CHECKS);
  const timer = new PhaseTimer();
  const teacher = inputs.original; // read only (evaluation-mode forwards)
  const model = timer.time('setup', () =>
    config.studentInit === 'original'
      ? cloneModel(inputs.original)
      : createModel(inputs.original.spec.arch, { ...inputs.original.spec, seed: `${inputs.seed}/student-init` }),
  );
  return runTrainingMethod({
    method: 'distillation',
    inputs,
    config,
    model,
    timer,
    hook,
    plan: {
      passes: () => [
        retainPass(inputs.retain, config.batchSize, hook, {
          ceWeight: config.hardWeight,
          other: (ctx, logits) => tf.mul(teacherKl(logits, teacher.predict(ctx.x), config.temperature), config.softWeight) as tf.Scalar,
        }),
      ],
    },
  });
}

/** Knowledge distillation from the original model on the retain set only. */
export const distillation: HookableUnlearner<DistillationConfig> = {
  name: 'distillation',
  description: 'Distil the original model into a student on the retain set: CE + softWeight * KL_T (spec A7; R2 variant via studentInit).',
  usesRetain: true,
  defaults: DISTILLATION_DEFAULTS,
  checks: CHECKS,
  run: (inputs) => runDistillation(inputs, PLAIN_LOSS),
  runWithHook: runDistillation,
};

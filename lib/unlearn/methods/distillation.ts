import * as tf from '@tensorflow/tfjs';
import { cloneModel } from '../../models/registry';
import { nonNegativeNumber, oneOf, positiveNumber, type Checks } from '../framework/config';
import { defineUnlearner } from '../framework/define';
import { RETAIN_USE, retainPass, retainTraining, TRAIN_CHECKS, type TrainConfig } from '../framework/retain-training';
import { teacherKl } from '../shared/distill';
import { freshModelLike } from '../shared/fresh-model';

export interface DistillationConfig extends TrainConfig {
  /** Weight of the cross-entropy on retain labels. */
  hardWeight: number;
  /** Weight of the teacher KL. */
  softWeight: number;
  temperature: number;
  /** 'original' = student starts from the original model (DC_Unlearning); 'random' = from scratch (DC_U, docs/reference/modular-2024.md#b7). */
  studentInit: 'original' | 'random';
}

/**
 * Reference DC_Unlearning (docs/reference/blend-a-amu.md#a7), CIFAR-10 ResNet-18 full retain set: student = teacher = original, loss
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

/** Knowledge distillation from the original model on the retain set only. */
export const distillation = defineUnlearner<DistillationConfig>({
  name: 'distillation',
  description: 'Distil the original model into a student on the retain set: CE + softWeight * KL_T (docs/reference/blend-a-amu.md#a7; DC_U variant via studentInit).',
  uses: RETAIN_USE,
  modes: [],
  defaults: DISTILLATION_DEFAULTS,
  checks: CHECKS,
  smokeConfig: { epochs: 1 },
  hookable: true,
  train: retainTraining('distillation', ({ inputs, config, hook }) => {
    const teacher = inputs.original; // read only (evaluation-mode forwards)
    return {
      passes: () => [
        retainPass(inputs.retain, config.batchSize, hook, {
          ceWeight: config.hardWeight,
          other: (ctx, logits) => tf.mul(teacherKl(logits, teacher.predict(ctx.x), config.temperature), config.softWeight) as tf.Scalar,
        }),
      ],
    };
  }, ({ inputs, config }) =>
    config.studentInit === 'original' ? cloneModel(inputs.original) : freshModelLike(inputs.original, `${inputs.seed}/student-init`)),
});

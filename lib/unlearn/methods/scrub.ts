import * as tf from '@tensorflow/tfjs';
import { nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, type Checks } from '../framework/config';
import { defineUnlearner } from '../framework/define';
import { RETAIN_USE, retainPass, retainTraining, TRAIN_CHECKS, type TrainConfig, type TrainPass } from '../framework/retain-training';
import { teacherKl } from '../shared/distill';

export interface ScrubConfig extends TrainConfig {
  /** Max (forget) passes run in epochs e = 0..msteps (0-based; the reference's `e <= msteps`), i.e. msteps + 1 of them. */
  msteps: number;
  forgetBatchSize: number;
  /** Weight of -KL on the forget set in the max pass (hard-coded 0.2 in DC_Unlearning). */
  maxWeight: number;
  /** Weight of the retain cross-entropy in the min pass. */
  gamma: number;
  /** Weight of the retain KL in the min pass. */
  beta: number;
  temperature: number;
}

/**
 * Reference DC_Unlearning (docs/reference/blend-a-amu.md#a7), CIFAR-10 ResNet-18 full retain set: msteps 5, SGD 1e-2, momentum 0.9,
 * wd 5e-4, 15 epochs, warm-up 5 then cosine, gamma 0.99, beta 0.001, T 2, batches of 64.
 */
export const SCRUB_DEFAULTS: ScrubConfig = {
  epochs: 15,
  batchSize: 64,
  lr: 1e-2,
  optimizer: 'sgd',
  momentum: 0.9,
  weightDecay: 5e-4,
  schedule: 'cosine',
  warmupEpochs: 5,
  msteps: 5,
  forgetBatchSize: 64,
  maxWeight: 0.2,
  gamma: 0.99,
  beta: 0.001,
  temperature: 2,
};

const CHECKS: Checks<ScrubConfig> = {
  ...TRAIN_CHECKS,
  msteps: nonNegativeInt,
  forgetBatchSize: positiveInt,
  maxWeight: nonNegativeNumber,
  gamma: nonNegativeNumber,
  beta: nonNegativeNumber,
  temperature: positiveNumber,
};

/** SCRUB (Kurmanji et al. 2023): push away from the teacher on the forget set, stay close to it on the retain set. */
export const scrub = defineUnlearner<ScrubConfig>({
  name: 'scrub',
  description: 'SCRUB: max steps (-KL_T on the forget set) then min steps (gamma CE + beta KL_T on the retain set), teacher = original (docs/reference/blend-a-amu.md#a7, docs/reference/suli.md#appendix-b).',
  uses: RETAIN_USE,
  modes: [],
  defaults: SCRUB_DEFAULTS,
  checks: CHECKS,
  smokeConfig: { epochs: 1, msteps: 1 },
  hookable: true,
  train: retainTraining('scrub', ({ inputs, config, hook }) => {
    // The teacher is the (frozen) original: in multi-round use, the previous round's output.
    const teacher = inputs.original;
    const kl = (x: tf.Tensor4D, logits: tf.Tensor2D) => teacherKl(logits, teacher.predict(x), config.temperature);
    const maxPass: TrainPass = {
      name: 'forget',
      data: inputs.forget,
      batchSize: config.forgetBatchSize,
      loss: (ctx) => tf.mul(kl(ctx.x, ctx.model.forward(ctx.x, true)), -config.maxWeight) as tf.Scalar,
    };
    const minPass = retainPass(inputs.retain, config.batchSize, hook, {
      ceWeight: config.gamma,
      other: (ctx, logits) => tf.mul(kl(ctx.x, logits), config.beta) as tf.Scalar,
    });
    return { passes: (epoch) => (epoch <= config.msteps ? [maxPass, minPass] : [minPass]) };
  }),
});

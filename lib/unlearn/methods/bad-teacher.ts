import * as tf from '@tensorflow/tfjs';
import { concatDatasets, size, subsetByIndex } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import { fraction, oneOf, positiveNumber, type Checks } from '../framework/config';
import { defineUnlearner } from '../framework/define';
import { RETAIN_USE, retainTraining, TRAIN_CHECKS, type TrainConfig } from '../framework/retain-training';
import { teacherKl, type KlReduction } from '../shared/distill';
import { freshModelLike } from '../shared/fresh-model';

export interface BadTeacherConfig extends TrainConfig {
  /**
   * Fraction of the retain set mixed with the forget set (a seeded random subset). DC_Unlearning: 0.6234 on the full
   * retain set, 1 (all of it) on a Blend-reduced one.
   */
  retainFraction: number;
  temperature: number;
  /** 'batchmean-t2' (DC_Unlearning) or 'mean' (the 2024 reference: element-wise mean, no T^2); see teacherKl. */
  klReduction: KlReduction;
}

/**
 * Reference DC_Unlearning (docs/reference/blend-a-amu.md#a7), CIFAR-10 ResNet-18 full retain set: 20 epochs, SGD 1e-2, momentum 0.9,
 * wd 5e-4, constant lr (inactive MultiStepLR), T 2, retain fraction 0.6234 (docs/reference/blend-a-amu.md#a7 quotes the
 * reference's value as 0.6234..., further digits unknown), batch 64.
 */
export const BAD_TEACHER_DEFAULTS: BadTeacherConfig = {
  epochs: 20,
  batchSize: 64,
  lr: 1e-2,
  optimizer: 'sgd',
  momentum: 0.9,
  weightDecay: 5e-4,
  schedule: 'constant',
  warmupEpochs: 0,
  retainFraction: 0.6234,
  temperature: 2,
  klReduction: 'batchmean-t2',
};

const CHECKS: Checks<BadTeacherConfig> = { ...TRAIN_CHECKS, retainFraction: fraction, temperature: positiveNumber, klReduction: oneOf('batchmean-t2', 'mean') };

/**
 * Bad-teacher distillation (Chundawat et al. 2023): the student follows a randomly initialised
 * teacher on the forget set and the original model on (part of) the retain set.
 */
export const badTeacher = defineUnlearner<BadTeacherConfig>({
  name: 'bad-teacher',
  description: 'Distil from an incompetent (random) teacher on forget samples and the original on retain samples, KL_T * T^2 (docs/reference/blend-a-amu.md#a7; the 2024 variant via klReduction).',
  uses: RETAIN_USE,
  modes: [],
  defaults: BAD_TEACHER_DEFAULTS,
  checks: CHECKS,
  smokeConfig: { epochs: 1 },
  // Not hookable: its one pass mixes forget and retain samples, so there is no retain CE to change.
  train: retainTraining('bad-teacher', ({ inputs, config, timer }) => {
    const competent = inputs.original;
    const { incompetent, mixed, isForget } = timer.time('setup', () => {
      const rng = new Rng(inputs.seed).fork('bad-teacher');
      const nRetain = Math.max(1, Math.round(config.retainFraction * size(inputs.retain)));
      const retainPart =
        nRetain >= size(inputs.retain)
          ? inputs.retain
          : subsetByIndex(inputs.retain, rng.fork('retain-subset').permutation(size(inputs.retain)).subarray(0, nRetain));
      const data = concatDatasets('bad-teacher-mix', [inputs.forget, retainPart]);
      // Tag 1 = forget sample (taught by the incompetent teacher), 0 = retain sample.
      const tags = new Float32Array(size(data));
      tags.fill(1, 0, size(inputs.forget));
      return { incompetent: freshModelLike(inputs.original, `${inputs.seed}/incompetent-teacher`), mixed: data, isForget: tags };
    });
    return {
      mainPass: 'mixed',
      passes: () => [
        {
          name: 'mixed',
          data: mixed,
          batchSize: config.batchSize,
          loss: (ctx) => {
            const tag = tf.tensor2d(Array.from(ctx.positions, (p) => isForget[p]), [ctx.positions.length, 1]);
            const target = tf.add(tf.mul(incompetent.predict(ctx.x), tag), tf.mul(competent.predict(ctx.x), tf.sub(1, tag))) as tf.Tensor2D;
            return teacherKl(ctx.model.forward(ctx.x, true), target, config.temperature, config.klReduction);
          },
        },
      ],
      cleanup: () => incompetent.dispose(),
    };
  }),
});

import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../../../data/batches';
import { imageSize, size, type Dataset } from '../../../data/dataset';
import { tidyRead } from '../../../engine/read';
import type { Rng } from '../../../engine/rng';
import type { Classifier } from '../../../models/classifier';
import { crossEntropy } from '../../../train/losses';
import { boolean, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber, type Checks } from '../../framework/config';
import { defineUnlearner } from '../../framework/define';
import { FORGET_ONLY_MODES, forgetTraining, SGD_CHECKS, sgdOptimizer, type ForgetOnlyConfig, type SgdConfig } from '../../framework/forget-training';
import { l2PgdTargeted, randomOtherLabels } from '../../shared/adversarial';
import { importancePenalty, importanceWeights, masImportance } from './importance';

/**
 * ADV+IMP (Cha et al., "Learning to Unlearn", AAAI 2024; docs/reference/suli.md#appendix-d). ADV: for every forget
 * sample, numAdvPerSample targeted L2-PGD adversarial images of the original model, each toward a
 * random other class and labelled with it; training ascends the forget cross-entropy and descends
 * the adversarial cross-entropy, each weighted by its share of the combined batch, so the forget
 * samples leave their class while the nearby adversarial points keep the boundaries in place.
 * IMP: a MAS-style importance per weight; lambda * sum (1 - importance) (theta - theta0)^2 / 2 holds
 * unimportant weights near the original. Forget set only.
 */
export interface AdvImpConfig extends ForgetOnlyConfig, SgdConfig {
  numAdvPerSample: number;
  /** L2 radius in [0, 1] pixel units (L2UL: 4.0 CIFAR-10 3x32x32, 2.0 UTKFace). */
  pgdEps: number;
  pgdStepSize: number;
  pgdIterations: number;
  pgdRandomInit: boolean;
  /** Adversarial minibatch size; the forget minibatches (batchSize) are cycled against it. */
  advBatchSize: number;
  /** lambda of the importance regulariser (L2UL --reg-lamb 1.0). */
  regLambda: number;
}

/**
 * L2UL CIFAR-10 settings: 20 adversarial images per sample, L2 PGD eps 4.0, step 0.1, 100 steps,
 * random start; SGD 1e-3, momentum 0.9, wd 1e-4; adversarial batch 256; lambda 1; forget accuracy
 * checked after every step, stop at the target, cap 1000 epochs.
 */
export const ADV_IMP_DEFAULTS: AdvImpConfig = {
  mode: 'class',
  stop: 'target',
  referenceTarget: 'original',
  stopCheck: 'step',
  epochs: 1000,
  batchSize: 256,
  lr: 1e-3,
  momentum: 0.9,
  weightDecay: 1e-4,
  numAdvPerSample: 20,
  pgdEps: 4.0,
  pgdStepSize: 0.1,
  pgdIterations: 100,
  pgdRandomInit: true,
  advBatchSize: 256,
  regLambda: 1,
};

const CHECKS: Checks<AdvImpConfig> = {
  ...SGD_CHECKS,
  numAdvPerSample: positiveInt,
  pgdEps: positiveNumber,
  pgdStepSize: positiveNumber,
  pgdIterations: nonNegativeInt,
  pgdRandomInit: boolean,
  advBatchSize: positiveInt,
  regLambda: nonNegativeNumber,
};

export const advImp = defineUnlearner<AdvImpConfig>({
  name: 'adv-imp',
  description:
    'ADV+IMP (Cha et al. 2024): ascend the forget loss while fitting targeted L2-PGD neighbours, with a MAS weight-importance anchor; forget set only.',
  uses: { retain: false, testPool: false, reference: true },
  modes: FORGET_ONLY_MODES,
  defaults: ADV_IMP_DEFAULTS,
  checks: CHECKS,
  smokeConfig: { epochs: 1, numAdvPerSample: 1, pgdIterations: 2, stopCheck: 'epoch' },
  train: forgetTraining<AdvImpConfig>('adv-imp', sgdOptimizer, async ({ model, original, forget, rng }, c) => {
      const adv = await adversarialSet(c, original, forget, rng.fork('attack'));
      const importance = masImportance(model, forget, c.batchSize);
      let weights: tf.Tensor[];
      try {
        weights = await importanceWeights(importance);
      } finally {
        tf.dispose(importance);
      }
      const params = model.parameters();
      const anchors = original.parameters().map((p) => tf.keep(p.clone()) as tf.Tensor);
      const order = rng.fork('batches');
      return {
        tensors: [...weights, ...anchors],
        info: { advTargetReached: adv.targetReached },
        epochSteps: () => {
          const forgetBatches = epochBatches(size(forget), c.batchSize, order);
          return epochBatches(size(adv.set), c.advBatchSize, order).map((ab, j) => () => {
            const fb = forgetBatches[j % forgetBatches.length];
            const f = batchTensors(forget, fb);
            const a = batchTensors(adv.set, ab);
            const nf = fb.length;
            const na = ab.length;
            // One forward over both parts: -CE(forget) and CE(adversarial), weighted by their shares.
            const logits = model.forward(tf.concat([f.x, a.x], 0), true);
            const lf = crossEntropy(tf.slice(logits, [0, 0], [nf, -1]), f.y);
            const la = crossEntropy(tf.slice(logits, [nf, 0], [na, -1]), a.y);
            const main = tf.div(tf.sub(tf.mul(la, na), tf.mul(lf, nf)), nf + na);
            return tf.add(main, importancePenalty(params, anchors, weights, c.regLambda)) as tf.Scalar;
          });
        },
      };
  }),
});

/**
 * numAdvPerSample targeted L2-PGD images per forget sample against the frozen original, each labelled
 * with its random target class (drawn from the classes other than the true one; L2UL's redraw for a
 * collision always picks class K/2, a quirk not copied). Also reports how often the attack reached its target.
 */
async function adversarialSet(
  c: AdvImpConfig,
  original: Classifier,
  forget: Dataset,
  rng: Rng,
): Promise<{ set: Dataset; targetReached: number }> {
  const n = size(forget);
  const per = imageSize(forget);
  const total = n * c.numAdvPerSample;
  const images = new Float32Array(total * per);
  const labels = new Int32Array(total);
  const ids = new Int32Array(total);
  let reached = 0;
  let o = 0;
  for (let r = 0; r < c.numAdvPerSample; r++) {
    const targets = randomOtherLabels(forget.labels, forget.classNames.length, rng);
    for (const b of epochBatches(n, 256)) {
      const [img, hit] = await tidyRead(() => {
        const { x } = batchTensors(forget, b);
        const t = tf.tensor1d(Int32Array.from(b, (i) => targets[i]), 'int32');
        const xa = l2PgdTargeted(original, x, t, { eps: c.pgdEps, stepSize: c.pgdStepSize, iterations: c.pgdIterations, randomInit: c.pgdRandomInit }, forget, rng);
        return [xa, tf.sum(tf.cast(tf.equal(tf.argMax(original.predict(xa), 1), t), 'int32'))];
      });
      images.set(img, o * per);
      b.forEach((i, j) => {
        labels[o + j] = targets[i];
        ids[o + j] = forget.ids[i];
      });
      o += b.length;
      reached += hit[0];
    }
  }
  return { set: { ...forget, split: `${forget.split}-adversarial`, images, labels, ids }, targetReached: reached / total };
}

import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../../data/batches';
import { size, type Dataset } from '../../data/dataset';
import { tidyRead } from '../../engine/read';
import type { Classifier } from '../../models/classifier';
import { fraction, type Checks } from '../framework/config';
import { defineUnlearner } from '../framework/define';
import { crossEntropySteps, FORGET_ONLY_MODES, forgetTraining, SGD_CHECKS, sgdOptimizer, type ForgetOnlyConfig, type SgdConfig } from '../framework/forget-training';
import { fgsmUntargeted } from '../shared/adversarial';

/**
 * Boundary Shrink (Chen et al., CVPR 2023; docs/reference/suli.md#appendix-a): for each forget sample, an untargeted
 * FGSM step against the frozen original model finds the nearest other class (its "neighbour label",
 * the original's prediction on the adversarial image); the model is fine-tuned on the clean forget
 * images with cross-entropy toward those labels. Forget set only.
 */
export interface BoundaryShrinkConfig extends ForgetOnlyConfig, SgdConfig {
  /** FGSM L-infinity bound in [0, 1] pixel units (reference: 0.1). */
  bound: number;
}

/**
 * Reference recipe: FGSM bound 0.1, SGD lr 1e-5, momentum 0.9, no weight decay, batch 64, a fixed
 * 10 epochs (no early stop: the paper's Table 2 has Boundary Shrink ending at 12.5% forget accuracy).
 */
export const BOUNDARY_SHRINK_DEFAULTS: BoundaryShrinkConfig = {
  mode: 'class',
  stop: 'none',
  referenceTarget: 'original',
  stopCheck: 'epoch',
  epochs: 10,
  batchSize: 64,
  lr: 1e-5,
  momentum: 0.9,
  weightDecay: 0,
  bound: 0.1,
};

/**
 * Neighbour labels of every forget sample: argmax of the frozen model on its FGSM image. The
 * reference recomputes them batch by batch in every epoch (same values, the model is frozen); this
 * does the same work once per epoch so the runtime matches.
 */
export async function neighbourLabels(frozen: Classifier, forget: Dataset, bound: number, batchSize = 256): Promise<Int32Array> {
  const out = new Int32Array(size(forget));
  for (const b of epochBatches(size(forget), batchSize)) {
    const [labels] = await tidyRead(() => {
      const { x, y } = batchTensors(forget, b);
      return [tf.argMax(frozen.predict(fgsmUntargeted(frozen, x, y, bound, forget)), 1)];
    });
    b.forEach((pos, j) => (out[pos] = labels[j]));
  }
  return out;
}

const CHECKS: Checks<BoundaryShrinkConfig> = { ...SGD_CHECKS, bound: fraction };

export const boundaryShrink = defineUnlearner<BoundaryShrinkConfig>({
  name: 'boundary-shrink',
  description: 'Boundary Shrink (Chen et al. 2023): fine-tune the forget set toward the classes its FGSM neighbours fall in; forget set only.',
  uses: { retain: false, testPool: false, reference: true },
  modes: FORGET_ONLY_MODES,
  defaults: BOUNDARY_SHRINK_DEFAULTS,
  checks: CHECKS,
  smokeConfig: { epochs: 2 },
  train: forgetTraining<BoundaryShrinkConfig>('boundary-shrink', sgdOptimizer, ({ model, original, forget, rng }, c) => {
      const order = rng.fork('batches');
      let moved = NaN;
      return {
        epochSteps: async () => {
          const labels = await neighbourLabels(original, forget, c.bound);
          moved = labels.reduce((s, l, i) => s + (l !== forget.labels[i] ? 1 : 0), 0) / labels.length;
          return crossEntropySteps(model, { ...forget, labels }, c.batchSize, order);
        },
        // Read after the run: the share of forget samples whose neighbour label differs from the true one.
        get info() {
          return { neighbourLabelChanged: moved };
        },
      };
  }),
});

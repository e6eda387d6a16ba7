import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../../data/batches';
import { size } from '../../data/dataset';
import { oneOf, positiveNumber, unitInterval, type Checks } from '../framework/config';
import { defineUnlearner } from '../framework/define';
import { FORGET_ONLY_CHECKS, FORGET_ONLY_MODES, forgetTraining, type ForgetOnlyConfig } from '../framework/forget-training';
import { distinctClasses, SPA_MASK_KINDS, spaKlLoss, spaMask, spaTargets, SULI_VARIANTS, type SpaMaskKind, type SuliVariant } from '../shared/spa';

/**
 * SU, Self-Unlearning (SULI paper Sec. 3.3; docs/reference/suli.md#s4): distil the forget set from the frozen original
 * model (evaluation mode) into a copy, with the teacher's distribution SPA-adjusted so the forgotten
 * class gets probability epsilon: minimise KL(P' || P_student) over forget minibatches with one Adam
 * for the whole run, checking the stopping rule after every epoch.
 */
export interface SuConfig extends ForgetOnlyConfig {
  /** Which preset the unspecified fields come from: public code (default) or paper text. */
  variant: SuliVariant;
  /** SPA: probability left on the masked class(es); 0 reproduces the public code (-inf logits). */
  epsilon: number;
  /** Softmax temperature of teacher and student (code: 4 class-wise, 1 instance-wise). */
  temperature: number;
  mask: SpaMaskKind;
}

/**
 * Defaults: the public code (docs/reference/suli.md#s5-5), since it produced the paper's numbers and fixes what the
 * text leaves open (T, lr, epochs). Class-wise: T 4, Adam 1e-4, 10 epochs, batch 256, stop at forget
 * accuracy 0. Instance-wise: T 1, Adam 6e-5, 30 epochs, masking the original model's predicted
 * class, stop at the original model's reference accuracy. The 'paper' variant masks the true label
 * and uses T 1 (the text has no temperature); epsilon stays 0 there too (no value is given; set it).
 */
const CODE_CLASS: SuConfig = {
  variant: 'code',
  mode: 'class',
  stop: 'target',
  referenceTarget: 'original',
  stopCheck: 'epoch',
  epochs: 10,
  batchSize: 256,
  lr: 1e-4,
  epsilon: 0,
  temperature: 4,
  mask: 'forget-classes',
};
const CODE_INSTANCE: SuConfig = { ...CODE_CLASS, mode: 'instance', epochs: 30, lr: 6e-5, temperature: 1, mask: 'predicted' };
/** The base config of each `variant/mode`; the given fields override it. */
export const SU_PRESETS: Readonly<Record<string, SuConfig>> = {
  'code/class': CODE_CLASS,
  'code/instance': CODE_INSTANCE,
  'paper/class': { ...CODE_CLASS, variant: 'paper', temperature: 1, mask: 'label' },
  'paper/instance': { ...CODE_INSTANCE, variant: 'paper', mask: 'label' },
};

const CHECKS: Checks<SuConfig> = {
  variant: oneOf(...SULI_VARIANTS),
  ...FORGET_ONLY_CHECKS,
  epsilon: unitInterval,
  temperature: positiveNumber,
  mask: oneOf(...SPA_MASK_KINDS),
};

export const su = defineUnlearner<SuConfig>({
  name: 'su',
  description: 'SU (Lyu et al., SULI paper): KL distillation of the forget set from the frozen original with SPA-adjusted targets; forget set only.',
  uses: { retain: false, testPool: false, reference: true },
  modes: FORGET_ONLY_MODES,
  defaults: CODE_CLASS,
  checks: CHECKS,
  presets: { keys: ['variant', 'mode'], table: SU_PRESETS },
  smokeConfig: { epochs: 2 },
  train: forgetTraining<SuConfig>('su', () => ({ kind: 'adam', weightDecay: 0 }), ({ model, original, forget, rng }, c) => {
      // The teacher is frozen and in evaluation mode, so its adjusted targets are fixed: compute once.
      const forgetClasses = distinctClasses(forget.labels);
      const n = size(forget);
      const parts: tf.Tensor2D[] = [];
      let targets: tf.Tensor2D;
      try {
        for (const b of epochBatches(n, 500)) {
          parts.push(
            tf.tidy(() => {
              const { x, y } = batchTensors(forget, b);
              const logits = original.predict(x);
              return spaTargets(logits, spaMask(c.mask, logits, y, forgetClasses), c.epsilon, c.temperature);
            }),
          );
        }
        targets = tf.concat(parts, 0);
      } finally {
        parts.forEach((t) => t.dispose());
      }
      const order = rng.fork('batches');
      return {
        tensors: [targets],
        epochSteps: () =>
          epochBatches(n, c.batchSize, order).map((b) => () => {
            const { x } = batchTensors(forget, b);
            const q = tf.gather(targets, tf.tensor1d(b, 'int32'));
            return spaKlLoss(model.forward(x, true), q as tf.Tensor2D, c.temperature);
          }),
      };
  }),
});

import * as tf from '@tensorflow/tfjs';

/**
 * Selective Probability Adjustment (SULI paper, Sec. 3.3). For logits z, temperature T and a 0/1 mask
 * M over classes (the class or classes to forget for each sample):
 *   q_k = (1 - eps) * exp(z_k/T) / sum_{j not in M} exp(z_j/T)   for k not in M
 *   q_k = eps / |M|                                              for k in M
 * With one masked class y this is the paper's P'(y|x): eps on y, the rest renormalised to 1 - eps.
 * eps = 0 is exactly what the public code does (masked logits set to -inf, then softmax); at T = 1
 * it is p_k / (1 - p_y). With T != 1 the tempered distribution is renormalised (code, SU class-wise).
 * Returns q [n, k]: a fixed target. Compute it outside the gradient tape (tfjs has no stopGradient).
 *
 * Every sample must keep at least one unmasked class. The mask builders below (maskFromClasses,
 * maskFromClassSet, spaMask) check that on the host when they build it; spaTargets does not read the
 * mask back (a device read in every SULI step, and webgpu in Node has no synchronous read). A row with
 * every class masked gives NaN targets, which the training loop's NaN guard then reports.
 */
export function spaTargets(logits: tf.Tensor2D, mask: tf.Tensor2D, epsilon: number, temperature = 1): tf.Tensor2D {
  if (!(epsilon >= 0 && epsilon < 1)) throw new Error(`SPA: epsilon must be in [0, 1), got ${epsilon}.`);
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new Error(`SPA: temperature must be > 0, got ${temperature}.`);
  if (logits.shape.join() !== mask.shape.join()) {
    throw new Error(`SPA: mask shape [${mask.shape.join(', ')}] must equal logits shape [${logits.shape.join(', ')}].`);
  }
  return tf.tidy(() => {
    const masked = tf.greater(mask, 0.5);
    const maskedCount = tf.sum(tf.cast(masked, 'float32'), 1, true);
    const z = tf.div(logits, temperature);
    const kept = tf.softmax(tf.where(masked, tf.fill(z.shape, -Infinity), z));
    const onMasked = tf.div(tf.cast(masked, 'float32'), tf.maximum(maskedCount, 1));
    return tf.add(tf.mul(kept, 1 - epsilon), tf.mul(onMasked, epsilon)) as tf.Tensor2D;
  });
}

const EVERY_CLASS_MASKED = 'SPA: a sample has every class masked; at least one class must keep probability mass.';

/** Mask [n, k] with a 1 at each sample's class (labels or predicted classes). */
export function maskFromClasses(classes: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  // One masked class per sample: every class is masked only when there is one class.
  if (numClasses < 2) throw new Error(EVERY_CLASS_MASKED);
  return tf.tidy(() => tf.oneHot(tf.cast(classes, 'int32'), numClasses).toFloat() as tf.Tensor2D);
}

/** Mask [n, k] with a 1 at every class in `forgetClasses`, the same for each sample (class-wise code). */
export function maskFromClassSet(n: number, numClasses: number, forgetClasses: readonly number[]): tf.Tensor2D {
  const row = new Float32Array(numClasses);
  for (const c of forgetClasses) {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) throw new Error(`SPA: forget class ${c} is outside 0..${numClasses - 1}.`);
    row[c] = 1;
  }
  if (row.every((v) => v === 1)) throw new Error(EVERY_CLASS_MASKED);
  return tf.tidy(() => tf.tile(tf.tensor2d(row, [1, numClasses]), [n, 1]) as tf.Tensor2D);
}

/**
 * Batch-mean KL(q || softmax(studentLogits / T)) = (1/B) sum_i sum_k q_ik (log q_ik - log p_ik), with
 * 0 log 0 = 0 and no T^2 factor (as F.kl_div(..., reduction='batchmean') in the reference code).
 */
export function spaKlLoss(studentLogits: tf.Tensor2D, q: tf.Tensor2D, temperature = 1): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(tf.div(studentLogits, temperature));
    const positive = tf.greater(q, 0);
    const safeQ = tf.where(positive, q, tf.onesLike(q));
    const qLogQ = tf.where(positive, tf.mul(q, tf.log(safeQ)), tf.zerosLike(q));
    const perSample = tf.sum(tf.sub(qLogQ, tf.mul(q, logp)), 1);
    return tf.mean(perSample) as tf.Scalar;
  });
}

/**
 * Which class SPA takes the mass from, per sample:
 * - 'forget-classes': every class of the forget set, for every sample (public code, class-wise);
 * - 'label': the sample's own label y_f (the paper's formula);
 * - 'predicted': the teacher's argmax class (public code, instance-wise: once a sample is
 *   misclassified, SULI masks its current wrong class instead of the label).
 */
export type SpaMaskKind = 'forget-classes' | 'label' | 'predicted';
export const SPA_MASK_KINDS: readonly SpaMaskKind[] = ['forget-classes', 'label', 'predicted'];

export function spaMask(kind: SpaMaskKind, teacherLogits: tf.Tensor2D, labels: tf.Tensor1D, forgetClasses: readonly number[]): tf.Tensor2D {
  const [n, k] = teacherLogits.shape;
  if (kind === 'forget-classes') return maskFromClassSet(n, k, forgetClasses);
  if (kind === 'label') return maskFromClasses(labels, k);
  return tf.tidy(() => maskFromClasses(tf.argMax(teacherLogits, 1) as tf.Tensor1D, k));
}

/** The distinct labels of a set, ascending (the forgotten classes in class-wise unlearning). */
export function distinctClasses(labels: ArrayLike<number>): number[] {
  return [...new Set(Array.from(labels))].sort((a, b) => a - b);
}

/** 'code': the public reference code's settings (docs/reference/suli.md#s5-5); 'paper': the paper's text (docs/reference/suli.md#s11). SU and SULI have both. */
export type SuliVariant = 'code' | 'paper';
export const SULI_VARIANTS: readonly SuliVariant[] = ['code', 'paper'];

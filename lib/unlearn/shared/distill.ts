import * as tf from '@tensorflow/tfjs';

/**
 * How a distillation KL is reduced: 'batchmean-t2' = summed over classes, averaged over the batch and
 * multiplied by T^2 (PyTorch kl_div 'batchmean' * T^2: SCRUB's DistillKL, the DC_Unlearning reference);
 * 'mean' = PyTorch kl_div's default element-wise mean over batch x classes without T^2 (the 2024 reference's
 * bad teacher, docs/reference/modular-2024.md#b7): 1 / (classes * T^2) of the former.
 */
export type KlReduction = 'batchmean-t2' | 'mean';

/**
 * Temperature-scaled distillation KL(p_teacher || p_student) with p = softmax(logits / T), reduced as
 * `reduction` says (default 'batchmean-t2'). The teacher logits are treated as constants.
 */
export function teacherKl(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, temperature: number, reduction: KlReduction = 'batchmean-t2'): tf.Scalar {
  return tf.tidy(() => {
    const logPs = tf.logSoftmax(tf.div(studentLogits, temperature));
    const logPt = tf.logSoftmax(tf.div(teacherLogits, temperature));
    const terms = tf.mul(tf.exp(logPt), tf.sub(logPt, logPs));
    if (reduction === 'mean') return tf.mean(terms) as tf.Scalar;
    return tf.mul(tf.mean(tf.sum(terms, 1)), temperature * temperature) as tf.Scalar;
  });
}

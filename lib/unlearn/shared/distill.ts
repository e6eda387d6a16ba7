import * as tf from '@tensorflow/tfjs';

/**
 * Temperature-scaled distillation KL(p_teacher || p_student) with p = softmax(logits / T), summed over
 * classes, averaged over the batch and multiplied by T^2 (PyTorch kl_div 'batchmean' * T^2, the
 * DistillKL of SCRUB and the reference's distillation). The teacher logits are treated as constants.
 */
export function teacherKl(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logPs = tf.logSoftmax(tf.div(studentLogits, temperature));
    const logPt = tf.logSoftmax(tf.div(teacherLogits, temperature));
    const kl = tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), 1);
    return tf.mul(tf.mean(kl), temperature * temperature) as tf.Scalar;
  });
}

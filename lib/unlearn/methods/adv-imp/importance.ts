import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../../../data/batches';
import { size, type Dataset } from '../../../data/dataset';
import { tidyRead } from '../../../engine/read';
import type { Classifier } from '../../../models/classifier';

/**
 * MAS-style weight importance of ADV+IMP (Cha et al. 2024, L2UL): for each minibatch of the forget
 * set, the gradient of the batch-mean L2 norm of the logits, |.|, weighted by the batch size and
 * averaged over samples. Computed in training mode as the reference does (batch-norm running
 * statistics of `model` are updated). Returns one tensor per parameter (caller disposes).
 */
export function masImportance(model: Classifier, ds: Dataset, batchSize: number): tf.Tensor[] {
  const params = model.parameters();
  let acc: tf.Tensor[] = params.map((p) => tf.keep(tf.zerosLike(p)));
  for (const batch of epochBatches(size(ds), batchSize)) {
    const next = tf.tidy(() => {
      const { x } = batchTensors(ds, batch);
      const { grads } = tf.variableGrads(() => tf.mean(tf.norm(model.forward(x, true), 2, 1)) as tf.Scalar, params);
      return params.map((p, i) => tf.add(acc[i], tf.mul(tf.abs(grads[p.name]), batch.length)));
    });
    acc.forEach((t) => t.dispose());
    acc = next.map((t) => tf.keep(t));
  }
  const n = size(ds);
  const out = acc.map((t) => tf.tidy(() => tf.div(t, n)));
  acc.forEach((t) => t.dispose());
  return out;
}

/**
 * Penalty weights w = 1 - (I - min I) / (max I - min I), min and max taken within each parameter
 * tensor: important weights (w near 0) may move freely, unimportant ones are held near theta_0.
 * A tensor with constant importance gets w = 1.
 */
export async function importanceWeights(importance: tf.Tensor[]): Promise<tf.Tensor[]> {
  const out: tf.Tensor[] = [];
  try {
    for (const t of importance) {
      const [min, max] = await tidyRead(() => [tf.min(t), tf.max(t)]);
      const lo = min[0];
      const range = max[0] - lo;
      out.push(tf.tidy(() => (range > 0 ? tf.sub(1, tf.div(tf.sub(t, lo), range)) : tf.onesLike(t))));
    }
    return out;
  } catch (e) {
    tf.dispose(out);
    throw e;
  }
}

/** lambda * sum_i w_i (theta_i - theta0_i)^2 / 2 over all parameters. */
export function importancePenalty(params: tf.Variable[], anchors: tf.Tensor[], weights: tf.Tensor[], lambda: number): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    params.forEach((p, i) => {
      total = tf.add(total, tf.sum(tf.mul(weights[i], tf.square(tf.sub(p, anchors[i])))));
    });
    return tf.mul(total, lambda / 2) as tf.Scalar;
  });
}

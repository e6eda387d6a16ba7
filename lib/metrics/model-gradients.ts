import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import type { Dataset } from '../data/dataset';
import { readScalarAndDispose } from '../engine/read';
import type { Classifier } from '../models/classifier';
import { crossEntropy } from '../train/losses';

/**
 * Batch-mean CE (same forward pass) and its gradient over `positions` of `ds` w.r.t. every trainable parameter, in
 * parameter order. training = true runs dropout/batch-norm in training mode; the batch-norm
 * running statistics it would update are restored afterwards, so measuring never changes the model.
 */
export async function parameterGradients(
  model: Classifier,
  ds: Dataset,
  positions: ArrayLike<number>,
  training: boolean,
): Promise<{ loss: number; grads: tf.Tensor[] }> {
  const buffers = model.namedBuffers().map(([, v]) => [v, v.clone()] as const);
  try {
    const [value, ...grads] = tf.tidy(() => {
      const { x, y } = batchTensors(ds, positions);
      const params = model.parameters();
      const { value: v, grads: byName } = tf.variableGrads(() => crossEntropy(model.forward(x, training), y), params);
      return [v, ...params.map((p) => byName[p.name])];
    });
    try {
      return { loss: await readScalarAndDispose(value), grads };
    } catch (e) {
      tf.dispose(grads);
      throw e;
    }
  } finally {
    for (const [v, saved] of buffers) {
      v.assign(saved);
      saved.dispose();
    }
  }
}

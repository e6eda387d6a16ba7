import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import type { Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import { crossEntropy } from '../train/losses';

/**
 * Batch-mean CE (same forward pass) and its gradient over `positions` of `ds` w.r.t. every trainable parameter, in
 * parameter order. training = true runs dropout/batch-norm in training mode; the batch-norm
 * running statistics it would update are restored afterwards, so measuring never changes the model.
 */
export function parameterGradients(model: Classifier, ds: Dataset, positions: ArrayLike<number>, training: boolean): { loss: number; grads: tf.Tensor[] } {
  const buffers = model.namedBuffers().map(([, v]) => [v, v.clone()] as const);
  try {
    let loss = NaN;
    const grads = tf.tidy(() => {
      const { x, y } = batchTensors(ds, positions);
      const params = model.parameters();
      const { value, grads: byName } = tf.variableGrads(() => crossEntropy(model.forward(x, training), y), params);
      loss = value.dataSync()[0];
      return params.map((p) => byName[p.name]);
    });
    return { loss, grads };
  } finally {
    for (const [v, saved] of buffers) {
      v.assign(saved);
      saved.dispose();
    }
  }
}

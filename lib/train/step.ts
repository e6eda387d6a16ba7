import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { crossEntropy } from './losses';
import type { Optimizer } from './optimizers';

export type LossFn = (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;

/**
 * One optimiser step on `loss` (built inside the gradient tape) over `params`; returns the loss value.
 * Call it inside a tidy: the gradients are freed with it. Every training step in lib goes through here.
 */
export function descend(params: tf.Variable[], optimizer: Optimizer, loss: () => tf.Scalar, lr: number): tf.Scalar {
  const { value, grads } = tf.variableGrads(loss, params);
  optimizer.step(
    params,
    params.map((p) => grads[p.name]),
    lr,
  );
  return value;
}

/**
 * One gradient step on a batch; returns the batch loss as a scalar tensor that the caller owns
 * (kept out of the step's tidy, not read back, so the caller never waits on the device).
 */
export function trainStep(
  model: Classifier,
  optimizer: Optimizer,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  lr: number,
  loss: LossFn = crossEntropy,
): tf.Scalar {
  const params = model.parameters();
  return tf.tidy(() => descend(params, optimizer, () => loss(model.forward(x, true), y), lr));
}

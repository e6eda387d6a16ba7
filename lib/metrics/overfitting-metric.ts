import * as tf from '@tensorflow/tfjs';
import { size, type Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import { parameterGradients } from './model-gradients';

/**
 * The 2024 DC-unlearning paper's "overfitting metric" (docs/reference/modular-2024.md#b8, reference `overfitting_metric.py`):
 * per sample, o = |CE - mean over all parameter elements of (dCE/dtheta)^2|, with the model in
 * training mode (dropout active; batch-norm on a batch of one sample; running statistics restored
 * afterwards). What it measures: how memorised a sample is; small o (low loss and flat gradient)
 * = overfitted. No fixed ideal; compare across models. The paper's text writes mean(|grad|); the
 * code squares the gradient, and we follow the code.
 */
export function overfittingScores(model: Classifier, ds: Dataset, opts: { training?: boolean } = {}): Float64Array {
  const n = size(ds);
  if (n === 0) throw new Error(`overfittingScores: the dataset ${ds.name}/${ds.split} is empty.`);
  const training = opts.training ?? true;
  const totalParams = model.parameterCount();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { loss, grads } = parameterGradients(model, ds, [i], training);
    let sq = 0;
    for (const g of grads) sq += tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]);
    tf.dispose(grads);
    out[i] = Math.abs(loss - sq / totalParams);
  }
  return out;
}

/** The reported overfitting metric: mean of o over the set (typically the forget set). */
export function overfittingMetric(model: Classifier, ds: Dataset, opts: { training?: boolean } = {}): number {
  const o = overfittingScores(model, ds, opts);
  return o.reduce((a, b) => a + b, 0) / o.length;
}

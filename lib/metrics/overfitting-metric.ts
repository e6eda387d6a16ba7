import * as tf from '@tensorflow/tfjs';
import { size, type Dataset } from '../data/dataset';
import { tidyRead } from '../engine/read';
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
export async function overfittingScores(model: Classifier, ds: Dataset, opts: { training?: boolean } = {}): Promise<Float64Array> {
  const n = size(ds);
  if (n === 0) throw new Error(`overfittingScores: the dataset ${ds.name}/${ds.split} is empty.`);
  const training = opts.training ?? true;
  const totalParams = model.parameterCount();
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const { loss, grads } = await parameterGradients(model, ds, [i], training);
    let sums: tf.TypedArray[];
    try {
      sums = await tidyRead(() => grads.map((g) => tf.sum(tf.square(g))));
    } finally {
      tf.dispose(grads);
    }
    let sq = 0;
    for (const s of sums) sq += s[0];
    out[i] = Math.abs(loss - sq / totalParams);
  }
  return out;
}

/** The reported overfitting metric: mean of o over the set (typically the forget set). */
export async function overfittingMetric(model: Classifier, ds: Dataset, opts: { training?: boolean } = {}): Promise<number> {
  const o = await overfittingScores(model, ds, opts);
  return o.reduce((a, b) => a + b, 0) / o.length;
}

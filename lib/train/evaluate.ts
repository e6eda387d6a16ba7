import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import { size, type Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import { perSampleCrossEntropy } from './losses';

export interface Predictions {
  /** Logits [n * k], row-major. */
  logits: Float32Array;
  /** Per-sample cross-entropy [n]. */
  losses: Float32Array;
  /** Argmax predictions [n]. */
  predicted: Int32Array;
  labels: Int32Array;
  numClasses: number;
}

/** Logits, per-sample losses and predictions of a model (evaluation mode) on every sample. */
export function predict(model: Classifier, ds: Dataset, batchSize = 500): Predictions {
  const n = size(ds);
  const k = model.numClasses;
  const logits = new Float32Array(n * k);
  const losses = new Float32Array(n);
  const predicted = new Int32Array(n);
  for (let s = 0; s < n; s += batchSize) {
    const idx = Int32Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
    const [lg, ls, pr] = tf.tidy(() => {
      const { x, y } = batchTensors(ds, idx);
      const out = model.predict(x);
      return [out.dataSync(), perSampleCrossEntropy(out, y).dataSync(), tf.argMax(out, 1).dataSync()];
    });
    logits.set(lg, s * k);
    losses.set(ls, s);
    predicted.set(pr, s);
  }
  return { logits, losses, predicted, labels: ds.labels, numClasses: k };
}

export interface Evaluation {
  accuracy: number;
  loss: number;
  n: number;
}

/** Accuracy and mean cross-entropy on a dataset; NaN accuracy for an empty one. */
export function evaluate(model: Classifier, ds: Dataset, batchSize = 500): Evaluation {
  const n = size(ds);
  if (n === 0) return { accuracy: NaN, loss: NaN, n: 0 };
  const p = predict(model, ds, batchSize);
  let correct = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    if (p.predicted[i] === p.labels[i]) correct++;
    loss += p.losses[i];
  }
  return { accuracy: correct / n, loss: loss / n, n };
}

import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import { size, subsetByIds, type Dataset } from '../data/dataset';
import { yieldIfDue } from '../engine/event-loop';
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

/**
 * Logits, per-sample losses and predictions of a model (evaluation mode) on every sample. Reads with
 * `await data()`: the webgpu backend has no synchronous read in Node (its dataSync needs OffscreenCanvas).
 */
export async function predict(model: Classifier, ds: Dataset, batchSize = 500): Promise<Predictions> {
  const n = size(ds);
  const k = model.numClasses;
  const logits = new Float32Array(n * k);
  const losses = new Float32Array(n);
  const predicted = new Int32Array(n);
  for (let s = 0; s < n; s += batchSize) {
    const idx = Int32Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
    const batch = tf.tidy(() => {
      const { x, y } = batchTensors(ds, idx);
      const out = model.predict(x);
      return [out, perSampleCrossEntropy(out, y), tf.argMax(out, 1)];
    });
    try {
      const [lg, ls, pr] = await Promise.all(batch.map((t) => t.data()));
      logits.set(lg, s * k);
      losses.set(ls, s);
      predicted.set(pr, s);
    } finally {
      tf.dispose(batch);
    }
    await yieldIfDue();
  }
  return { logits, losses, predicted, labels: ds.labels, numClasses: k };
}

export interface Evaluation {
  accuracy: number;
  loss: number;
  n: number;
}

/**
 * Top-1 accuracy (a fraction in [0, 1]) of predictions, optionally only over samples whose label
 * passes `keep`. Throws when no sample is kept: an empty selection has no accuracy.
 */
export function accuracyOf(p: Predictions, keep?: (label: number) => boolean): number {
  let n = 0;
  let correct = 0;
  for (let i = 0; i < p.labels.length; i++) {
    if (keep !== undefined && !keep(p.labels[i])) continue;
    n++;
    if (p.predicted[i] === p.labels[i]) correct++;
  }
  if (n === 0) {
    throw new Error(`accuracyOf: no sample selected (${p.labels.length} predictions${keep === undefined ? '' : ', none kept by the label filter'}); pass a non-empty set.`);
  }
  return correct / n;
}

/** Top-1 accuracy (a fraction in [0, 1]) of a model on the samples of `ds` with the given stable ids (all of `ds` when omitted). */
export async function accuracy(model: Classifier, ds: Dataset, ids?: Iterable<number>): Promise<number> {
  const sub = ids === undefined ? ds : subsetByIds(ds, ids);
  if (size(sub) === 0) {
    throw new Error(`accuracy: no samples selected from ${ds.name}/${ds.split}${ids === undefined ? ' (the dataset is empty)' : ' (the id set is empty)'}; pass a non-empty dataset or id set.`);
  }
  return accuracyOf(await predict(model, sub));
}

/** Accuracy (fraction) and mean cross-entropy on a dataset; NaN for an empty one. */
export async function evaluate(model: Classifier, ds: Dataset, batchSize = 500): Promise<Evaluation> {
  const n = size(ds);
  if (n === 0) return { accuracy: NaN, loss: NaN, n: 0 };
  const p = await predict(model, ds, batchSize);
  let loss = 0;
  for (let i = 0; i < n; i++) loss += p.losses[i];
  return { accuracy: accuracyOf(p), loss: loss / n, n };
}

import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../engine/rng';
import { imageSize, type Dataset } from './dataset';

/** Images and labels at the given positions as tensors: x [n,h,w,c] float32, y [n] int32. */
export function batchTensors(ds: Dataset, positions: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const per = imageSize(ds);
  const n = positions.length;
  const images = new Float32Array(n * per);
  const labels = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = positions[j];
    images.set(ds.images.subarray(i * per, (i + 1) * per), j * per);
    labels[j] = ds.labels[i];
  }
  return {
    x: tf.tensor4d(images, [n, ...ds.shape]),
    y: tf.tensor1d(labels, 'int32'),
  };
}

/**
 * Minibatch positions for one epoch: shuffled with rng (or in order without one); the last
 * partial batch is kept unless dropLast.
 */
export function epochBatches(n: number, batchSize: number, rng?: Rng, dropLast = false): Int32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}.`);
  const order = rng ? rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const out: Int32Array[] = [];
  for (let s = 0; s < n; s += batchSize) {
    if (dropLast && s + batchSize > n) break;
    out.push(order.subarray(s, Math.min(n, s + batchSize)));
  }
  return out;
}

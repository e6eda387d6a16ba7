import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../lib/engine/rng';

/** Runs fn on wasm and on cpu with the same seeded input values and returns both results (wasm first); leaves wasm active. */
export function onBoth(shape: number[], seed: string, fn: (x: tf.Tensor) => tf.Tensor): [Float32Array, Float32Array] {
  const values = new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1), 0.3, 1);
  const run = (backend: string) => {
    void tf.setBackend(backend);
    return tf.tidy(() => fn(tf.tensor(values, shape)).dataSync() as Float32Array);
  };
  const out: [Float32Array, Float32Array] = [run('wasm'), run('cpu')];
  void tf.setBackend('wasm');
  return out;
}

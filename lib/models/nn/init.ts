import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../engine/rng';

/**
 * PyTorch's default initialisation for Conv2d and Linear (kaiming_uniform with a = sqrt(5)):
 * weights and biases uniform in +-1/sqrt(fan_in). Seeded by our Rng, so the same seed builds the same model.
 */
export function uniformFanIn(rng: Rng, shape: number[], fanIn: number): tf.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.uniformArray(n, -bound, bound), shape, 'float32');
}

/**
 * timm's trunc_normal_(std): normal(mean, std) redrawn until it falls in [lo, hi]. timm's bounds are
 * absolute values (default +-2), so at std 0.02 they never bind and this is a plain normal; kept for fidelity.
 */
export function truncNormal(rng: Rng, shape: number[], std: number, mean = 0, lo = -2, hi = 2): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = mean + std * rng.normal();
    while (v < lo || v > hi) v = mean + std * rng.normal();
    out[i] = v;
  }
  return tf.tensor(out, shape, 'float32');
}

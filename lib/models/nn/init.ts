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

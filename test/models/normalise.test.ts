import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { expectNoLeak } from '../../lib/engine/leaks';
import { Rng } from '../../lib/engine/rng';
import { BatchNorm } from '../../lib/models/nn/layers';
import { normalise } from '../../lib/models/nn/normalise';

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const random = (shape: number[], seed: string, scale = 1, shift = 0) =>
  tf.tensor(new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1), shift, scale), shape);

/** The plain formula, differentiated by autodiff: the reference for the written-out gradient. */
function plain(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps: number, axes: number[]): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b);
}

beforeAll(async () => {
  await init({ log: false });
});

describe('normalise: one normalisation with a written-out gradient (batch, instance and layer norm)', () => {
  const cases: Array<{ name: string; shape: number[]; axes: number[] }> = [
    { name: 'batch norm, NHWC', shape: [4, 3, 5, 6], axes: [0, 1, 2] },
    { name: 'batch norm, [n, features]', shape: [7, 5], axes: [0] },
    { name: 'instance norm', shape: [3, 4, 5, 6], axes: [1, 2] },
    { name: 'layer norm', shape: [2, 3, 8], axes: [2] },
  ];
  for (const c of cases) {
    it(`${c.name}: value and the gradients of x, gamma and beta equal autodiff of the plain formula`, async () => {
      await expectNoLeak(c.name, () =>
        tf.tidy(() => {
          const channels = c.shape[c.shape.length - 1];
          // Off-centre, scaled inputs and a random dy, so every term of the gradient matters.
          const x = random(c.shape, `x-${c.name}`, 2, 0.7);
          const dy = random(c.shape, `dy-${c.name}`);
          const g = random([channels], 'gamma', 0.5, 1);
          const b = random([channels], 'beta');
          const loss = (norm: typeof plain) => (xs: tf.Tensor, gs: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(norm(xs, gs, bs, 1e-5, c.axes), dy));
          expect(maxAbsDiff(normalise(x, g, b, 1e-5, c.axes), plain(x, g, b, 1e-5, c.axes))).toBeLessThan(1e-5);
          const ours = tf.grads(loss((xs, gs, bs, eps, axes) => normalise(xs, gs, bs, eps, axes)))([x, g, b]);
          const reference = tf.grads(loss(plain))([x, g, b]);
          ours.forEach((grad, i) => {
            expect(grad.shape, `gradient ${i}`).toEqual(reference[i].shape);
            expect(maxAbsDiff(grad, reference[i]), `gradient ${i}`).toBeLessThan(1e-4);
          });
          expect(maxAbsDiff(reference[0], tf.zerosLike(reference[0]))).toBeGreaterThan(1e-2);
        }),
      );
    });
  }

  it('keeps less memory alive for the backward pass than autodiff (peak bytes of one gradient)', async () => {
    const x = random([16, 16, 16, 32], 'x-peak', 2, 0.5);
    const g = tf.ones([32]);
    const b = tf.zeros([32]);
    const peak = async (norm: typeof plain) =>
      (await tf.profile(() => tf.tidy(() => tf.grads((xs: tf.Tensor, gs: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.square(norm(xs, gs, bs, 1e-5, [0, 1, 2]))))([x, g, b])))).peakBytes;
    const ours = await peak((xs, gs, bs, eps, axes) => normalise(xs, gs, bs, eps, axes));
    const autodiff = await peak(plain);
    expect(ours).toBeLessThan(0.6 * autodiff);
    tf.dispose([x, g, b]);
  });
});

describe('BatchNorm', () => {
  it('training: batch statistics normalise, and the running statistics move by momentum 0.1 with the unbiased variance (PyTorch)', () => {
    const bn = new BatchNorm(3);
    const values = [
      [1, 10, -1],
      [3, 14, -1],
      [5, 12, 2],
      [7, 20, 4],
    ];
    const y = tf.tidy(() => bn.forward(tf.tensor2d(values), true).arraySync() as number[][]);
    for (let c = 0; c < 3; c++) {
      const col = values.map((r) => r[c]);
      const mean = col.reduce((a, v) => a + v, 0) / 4;
      const biased = col.reduce((a, v) => a + (v - mean) ** 2, 0) / 4;
      col.forEach((v, i) => expect(y[i][c]).toBeCloseTo((v - mean) / Math.sqrt(biased + 1e-5), 4));
      expect(bn.runningMean.dataSync()[c]).toBeCloseTo(0.1 * mean, 5);
      expect(bn.runningVar.dataSync()[c]).toBeCloseTo(0.9 + 0.1 * ((biased * 4) / 3), 5);
    }
    bn.dispose();
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { relativeError } from '../helpers/compare';
import { onBoth } from '../helpers/on-both-backends';


describe('wasm Sum/Mean over non-innermost axes (average-pooling reduction) match the cpu backend', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  const cases: Array<[number[], number[], boolean]> = [
    [[4, 5, 6, 3], [0, 1, 2], false],
    [[4, 5, 6, 3], [1, 2], true],
    [[4, 5, 6, 3], [1, 2], false],
    [[4, 5, 6, 3], [0], false],
    [[4, 5, 6, 3], [1], true],
    [[7, 3], [0], false],
    [[4, 5, 6, 3], [3], false],
    [[4, 5, 6, 3], [0, 2], true],
    [[64, 28, 28, 16], [0, 1, 2], false],
  ];
  for (const [shape, axes, keepDims] of cases) {
    it(`sum and mean of [${shape}] over [${axes}]${keepDims ? ' keepDims' : ''}`, () => {
      for (const op of [tf.sum, tf.mean]) {
        const [a, b] = onBoth(shape, `${shape}/${axes}`, (x) => op(x, axes, keepDims));
        expect(relativeError(a, b)).toBeLessThanOrEqual(1e-4);
      }
    });
  }
});

describe('wasm AvgPoolGrad (broadcast for window = stride) matches the cpu backend', () => {
  const cases: Array<[number[], number, number, 'valid' | 'same']> = [
    [[3, 8, 8, 4], 2, 2, 'valid'],
    [[3, 7, 9, 4], 2, 2, 'valid'],
    [[2, 9, 9, 3], 3, 3, 'valid'],
    [[2, 8, 8, 3], 3, 2, 'valid'],
    [[2, 7, 7, 3], 2, 2, 'same'],
  ];
  for (const [shape, size, stride, pad] of cases) {
    it(`avgPool ${size}x${size}/${stride} ${pad} on [${shape}]`, () => {
      const [a, b] = onBoth(shape, `pool${shape}${size}${stride}${pad}`, (x) => {
        const w = tf.tidy(() => tf.randomUniform(tf.avgPool(x as tf.Tensor4D, size, stride, pad).shape, -1, 1, 'float32', 5));
        return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(v as tf.Tensor4D, size, stride, pad), w)))(x);
      });
      expect(relativeError(a, b)).toBeLessThanOrEqual(1e-5);
    });
  }
});

describe('wasm BatchMatMul with a transposed operand (Transpose, then the XNNPACK product) matches the cpu backend', () => {
  // [a shape, b shape, transposeA, transposeB]: a Linear layer's two gradient products, both at once, batched.
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[64, 30], [64, 10], true, false],
    [[64, 10], [30, 10], false, true],
    [[3, 12, 5], [3, 7, 12], true, true],
    [[3, 5, 12], [1, 12, 7], false, false],
  ];
  for (const [aShape, bShape, ta, tb] of cases) {
    it(`[${aShape}]${ta ? '^T' : ''} x [${bShape}]${tb ? '^T' : ''}`, () => {
      const b = tf.tidy(() => tf.randomNormal(bShape, 0, 1, 'float32', 7));
      const [wasm, cpu] = onBoth(aShape, `mm${aShape}${bShape}`, (a) => tf.matMul(a, b, ta, tb));
      b.dispose();
      expect(relativeError(wasm, cpu)).toBeLessThanOrEqual(1e-5);
    });
  }
});

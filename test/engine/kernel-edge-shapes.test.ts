import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import { MAX_POOL_CHANNELS, poolingChannels } from '../../lib/engine/wasm-kernels/reduce-by-pooling';
import { relativeError } from '../helpers/compare';
import { onBoth } from '../helpers/on-both-backends';

/**
 * Shapes at the edges of the project's wasm kernels, checked against the cpu backend. Sum/Mean of a leading
 * block with 16k+ inner elements overflowed XNNPACK's 64 KiB wasm stack ('memory access out of bounds') and
 * left the wasm module broken, so every later kernel of the process failed the same way; the conv gradients
 * of the ViT's token products (2080 tokens as one tall image or as a batch) were the first seen to. They run
 * here after the wide reductions, in the same process.
 */


/** Counts of live tensors and wasm buffers, to show that fn leaves nothing behind. */
function leftBehind(fn: () => void): { tensors: number; buffers: number } {
  fn();
  const before = tf.memory();
  fn();
  fn();
  const after = tf.memory();
  const buffers = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  return { tensors: after.numTensors - before.numTensors, buffers: buffers - before.numDataBuffers };
}

describe('wasm Sum/Mean over a leading block with a wide inner block match the cpu backend', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  // [shape, axes]: inner sizes either side of MAX_POOL_CHANNELS; 32768 = 4 x 8192 pooled pixels, 32771 (prime)
  // and 16411 x 2 (no divisor from 512 to 8192) go to the stock kernel. Windows of 8+ rows take XNNPACK's
  // multipass kernel, the one with the stack buffer.
  const cases: Array<[number[], number[]]> = [
    [[16, 32768], [0]],
    [[2, 16, 32768], [1]],
    [[3, 9, 4, 4096], [1, 2]],
    [[16, 16384], [0]],
    [[12, 8193], [0]],
    [[16, 32771], [0]],
    [[10, 32822], [0]],
    [[8, 2, 65536], [0, 1]],
    [[256, 3, 3, 128], [0, 1, 2]],
  ];
  for (const [shape, axes] of cases) {
    it(`sum and mean of [${shape}] over [${axes}] (keepDims and not)`, () => {
      for (const op of [tf.sum, tf.mean]) {
        for (const keepDims of [false, true]) {
          const [a, b] = onBoth(shape, `${shape}/${axes}`, (x) => op(x, axes, keepDims));
          expect(relativeError(a, b)).toBeLessThanOrEqual(1e-4);
        }
      }
    });
  }

  it('pools whole inner blocks up to the cap and splits wider ones into pixels of a divisor', () => {
    expect(poolingChannels(128)).toBe(128);
    expect(poolingChannels(MAX_POOL_CHANNELS)).toBe(MAX_POOL_CHANNELS);
    expect(poolingChannels(32768)).toBe(8192);
    expect(poolingChannels(3 * 7 * 1024)).toBe(7 * 1024);
    expect(poolingChannels(32771)).toBeNull();
    expect(poolingChannels(2 * 16411)).toBeNull();
  });

  it('frees every intermediate tensor of a split and of a stock-kernel reduction', () => {
    void tf.setBackend('wasm');
    const x = tf.randomNormal([16, 32768]);
    const y = tf.randomNormal([16, 32771]);
    const left = leftBehind(() => tf.tidy(() => [tf.sum(x, 0), tf.mean(x, 0), tf.sum(y, 0)].forEach((t) => t.dataSync())));
    expect(left).toEqual({ tensors: 0, buffers: 0 });
    tf.dispose([x, y]);
  });
});

interface ConvCase {
  what: string;
  x: [number, number, number, number];
  cout: number;
}

describe('wasm conv2d gradients of 1x1 convolutions over 2080 tokens match the cpu backend', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  // 64 outputs take the same kernel paths as the ViT's 192 -> 576 at a fraction of the cpu reference's time (70 s
  // for 576; 13 s for 192 -> 192): what this guards is that the kernels still work after the wide reductions.
  const CASES: ConvCase[] = [
    { what: 'tokens as one tall image, 192 -> 64', x: [1, 2080, 1, 192], cout: 64 },
    { what: 'tokens as a batch (the ViT token product), 192 -> 64', x: [2080, 1, 1, 192], cout: 64 },
  ];

  function gradsOn(backend: string, c: ConvCase, x: Float32Array, f: Float32Array, dy: Float32Array): Float32Array[] {
    void tf.setBackend(backend);
    return tf.tidy(() => {
      const xt = tf.tensor4d(x, c.x);
      const ft = tf.tensor4d(f, [1, 1, c.x[3], c.cout]);
      const dyt = tf.tensor(dy);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid');
        return tf.sum(tf.mul(y, tf.reshape(dyt, y.shape)));
      });
      return g([xt, ft]).map((t) => t.dataSync() as Float32Array);
    });
  }

  for (const c of CASES) {
    it(`${c.what}: x[${c.x}] k1 s1 valid`, () => {
      const rng = new Rng(c.what);
      const x = rng.normalArray(c.x.reduce((a, b) => a * b, 1));
      const f = rng.normalArray(c.x[3] * c.cout);
      const dy = rng.normalArray((c.x[0] * c.x[1] * c.x[2]) * c.cout);
      const [dxWasm, dfWasm] = gradsOn('wasm', c, x, f, dy);
      const [dxCpu, dfCpu] = gradsOn('cpu', c, x, f, dy);
      void tf.setBackend('wasm');
      expect(relativeError(dxWasm, dxCpu)).toBeLessThanOrEqual(1e-4);
      expect(relativeError(dfWasm, dfCpu)).toBeLessThanOrEqual(1e-4);
    });
  }

  it('frees every intermediate tensor of the gradients', () => {
    void tf.setBackend('wasm');
    const x = tf.randomNormal([1, 2080, 1, 192]) as tf.Tensor4D;
    const f = tf.randomNormal([1, 1, 192, 64]) as tf.Tensor4D;
    const run = () => tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid')))([x, f]).forEach((g) => g.dataSync()));
    expect(leftBehind(run)).toEqual({ tensors: 0, buffers: 0 });
    tf.dispose([x, f]);
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import { relativeError } from '../helpers/compare';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  what: string;
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: Pad;
}

const explicit1: Pad = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

// Every conv geometry of the project's models, plus awkward sizes (odd inputs, remainders).
const CASES: Case[] = [
  { what: 'ConvNet/VGG16/ResNet 3x3 s1 (pad 1)', n: 3, h: 8, w: 8, cin: 4, cout: 6, k: 3, stride: 1, pad: explicit1 },
  { what: 'ConvNet 3x3 s1 same, odd size', n: 2, h: 7, w: 9, cin: 3, cout: 5, k: 3, stride: 1, pad: 'same' },
  { what: 'ResNet downsample 3x3 s2 (pad 1)', n: 2, h: 8, w: 8, cin: 4, cout: 6, k: 3, stride: 2, pad: explicit1 },
  { what: 'ResNet downsample 3x3 s2, odd size', n: 2, h: 9, w: 9, cin: 3, cout: 4, k: 3, stride: 2, pad: explicit1 },
  { what: 'ResNet shortcut 1x1 s2 valid', n: 2, h: 8, w: 8, cin: 4, cout: 8, k: 1, stride: 2, pad: 'valid' },
  { what: 'ResNet shortcut 1x1 s2 valid, odd size', n: 2, h: 7, w: 7, cin: 3, cout: 5, k: 1, stride: 2, pad: 'valid' },
  { what: 'ResNet-50 bottleneck 1x1 s1', n: 2, h: 6, w: 6, cin: 8, cout: 4, k: 1, stride: 1, pad: 'valid' },
  { what: 'All-CNN 3x3 s2 same', n: 2, h: 10, w: 10, cin: 3, cout: 4, k: 3, stride: 2, pad: 'same' },
  { what: 'All-CNN 3x3 s1 valid', n: 2, h: 8, w: 8, cin: 3, cout: 4, k: 3, stride: 1, pad: 'valid' },
  { what: 'LeNet 5x5 s1 valid', n: 2, h: 12, w: 12, cin: 1, cout: 6, k: 5, stride: 1, pad: 'valid' },
  { what: 'LeNet 5x5 s1 same', n: 2, h: 10, w: 10, cin: 3, cout: 4, k: 5, stride: 1, pad: 'same' },
  { what: 'ImageNet-style stem 7x7 s2 same', n: 2, h: 13, w: 13, cin: 3, cout: 4, k: 7, stride: 2, pad: 'same' },
  { what: 'torchvision ResNet stem 7x7 s2 (pad 3)', n: 2, h: 12, w: 12, cin: 3, cout: 4, k: 7, stride: 2, pad: [[0, 0], [3, 3], [3, 3], [0, 0]] },
  { what: '3x3 s3 valid (stride > kernel - pad)', n: 2, h: 10, w: 11, cin: 2, cout: 3, k: 3, stride: 3, pad: 'valid' },
  // Patches longer than 64 (kh*kw*in) take the convolution form of the filter gradient, not im2col.
  { what: 'conv-form dW: 3x3 s1 (pad 1), 8 channels', n: 3, h: 8, w: 8, cin: 8, cout: 6, k: 3, stride: 1, pad: explicit1 },
  { what: 'conv-form dW: 3x3 s2 (pad 1), odd size', n: 2, h: 9, w: 9, cin: 8, cout: 4, k: 3, stride: 2, pad: explicit1 },
  { what: 'conv-form dW: 3x3 s2 same', n: 2, h: 10, w: 10, cin: 8, cout: 4, k: 3, stride: 2, pad: 'same' },
  { what: 'conv-form dW: 3x3 s3 valid', n: 2, h: 10, w: 11, cin: 8, cout: 3, k: 3, stride: 3, pad: 'valid' },
  { what: 'conv-form dW: 5x5 s1 valid', n: 2, h: 12, w: 12, cin: 6, cout: 4, k: 5, stride: 1, pad: 'valid' },
  { what: 'conv-form dW: 1x1 s2 valid, odd size', n: 2, h: 7, w: 7, cin: 72, cout: 5, k: 1, stride: 2, pad: 'valid' },
];

function gradsOn(backend: string, c: Case, x: Float32Array, f: Float32Array, dy: Float32Array): Float32Array[] {
  void tf.setBackend(backend);
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, [c.n, c.h, c.w, c.cin]);
    const ft = tf.tensor4d(f, [c.k, c.k, c.cin, c.cout]);
    const dyt = tf.tensor(dy);
    // Weighting by a fixed random dy makes the loss's gradient exercise every output element.
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
      return tf.sum(tf.mul(y, tf.reshape(dyt, y.shape)));
    });
    return g([xt, ft]).map((t) => t.dataSync() as Float32Array);
  });
}

describe('wasm conv2d gradients (project kernels) match the cpu backend', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  for (const c of CASES) {
    it(`${c.what}: x[${c.n},${c.h},${c.w},${c.cin}] k${c.k} s${c.stride} ${typeof c.pad === 'string' ? c.pad : 'explicit'}`, () => {
      const rng = new Rng(c.what);
      const out = tf.tidy(() => tf.conv2d(tf.zeros([c.n, c.h, c.w, c.cin]) as tf.Tensor4D, tf.zeros([c.k, c.k, c.cin, c.cout]) as tf.Tensor4D, c.stride, c.pad).shape);
      const x = rng.normalArray(c.n * c.h * c.w * c.cin);
      const f = rng.normalArray(c.k * c.k * c.cin * c.cout);
      const dy = rng.normalArray(out.reduce((a, b) => a * b, 1));
      const [dxWasm, dfWasm] = gradsOn('wasm', c, x, f, dy);
      const [dxCpu, dfCpu] = gradsOn('cpu', c, x, f, dy);
      void tf.setBackend('wasm');
      expect(relativeError(dxWasm, dxCpu)).toBeLessThanOrEqual(1e-4);
      expect(relativeError(dfWasm, dfCpu)).toBeLessThanOrEqual(1e-4);
    });
  }

  it('a batch whose dy exceeds one chunk (4M floats) gets the filter gradient of its halves summed', () => {
    // 130 x 16 x 16 x 128 outputs take the batch-split path; each half of 65 fits one chunk, and the unsplit path
    // is checked against the cpu backend by the cases above (the cpu reference of the whole took 40 s).
    const c: Case = { what: 'batch split', n: 130, h: 16, w: 16, cin: 8, cout: 128, k: 3, stride: 1, pad: 'same' };
    const rng = new Rng(c.what);
    const x = rng.normalArray(c.n * c.h * c.w * c.cin);
    const f = rng.normalArray(c.k * c.k * c.cin * c.cout);
    const dy = rng.normalArray(c.n * c.h * c.w * c.cout);
    const xPer = c.h * c.w * c.cin;
    const dyPer = c.h * c.w * c.cout;
    const [dxAll, dfAll] = gradsOn('wasm', c, x, f, dy);
    const parts = [0, 65].map((b0) => gradsOn('wasm', { ...c, n: 65 }, x.subarray(b0 * xPer, (b0 + 65) * xPer), f, dy.subarray(b0 * dyPer, (b0 + 65) * dyPer)));
    const dfSum = parts[0][1].map((v, j) => v + parts[1][1][j]);
    expect(relativeError(dfAll, dfSum)).toBeLessThanOrEqual(1e-5);
    expect(relativeError(dxAll, Float32Array.from([...parts[0][0], ...parts[1][0]]))).toBeLessThanOrEqual(1e-6);
  });

  it('the gradient kernels are the project ones (filter gradient exists, input gradient replaced)', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc.name).toBe('conv2dBackpropFilterWasm');
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc.name).toBe('conv2dBackpropInputWasm');
    expect(tf.getKernel('Sum', 'wasm')?.kernelFunc.name).toBe('sumByPoolingWasm');
    expect(tf.getKernel('Mean', 'wasm')?.kernelFunc.name).toBe('meanByPoolingWasm');
  });

  it('frees every intermediate tensor of the gradient kernels', () => {
    void tf.setBackend('wasm');
    const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
    const f = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const run = () => tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, f]).forEach((g) => g.dataSync()));
    run();
    const before = tf.memory();
    run();
    run();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(before.numDataBuffers);
    tf.dispose([x, f]);
  });
});

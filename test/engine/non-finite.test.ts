import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import { WASM_KERNELS } from '../../lib/engine/wasm-kernels/register';

/**
 * Issue 22, finding 1: NaN and Inf must pass through every kernel this project registers on wasm as
 * they do through the stock kernels (the cpu backend is the reference): NaN where cpu gives NaN,
 * the same infinity where cpu gives one, the same finite values elsewhere.
 */

type Inputs = Record<string, { shape: number[]; poison?: number }>;
interface Case {
  what: string;
  kernel: string;
  inputs: Inputs;
  attrs: Record<string, unknown>;
}

const conv = (filterShape: number[], stride: number, pad: unknown) => ({ strides: [stride, stride], pad, dataFormat: 'NHWC', filterShape });
const convIn = (inputShape: number[], stride: number, pad: unknown) => ({ strides: [stride, stride], pad, dataFormat: 'NHWC', inputShape });
const reduce = (axis: number[], keepDims = false) => ({ axis, keepDims });
const pool = { filterSize: [2, 2], strides: [2, 2], pad: 'valid' };

const CASES: Case[] = [
  // Filter gradient, im2col path (patch 3x3x2 <= 64) and convolution path (3x3x8 > 64).
  { what: 'NaN in x (im2col)', kernel: 'Conv2DBackpropFilter', inputs: { x: { shape: [2, 6, 6, 2], poison: NaN }, dy: { shape: [2, 6, 6, 3] } }, attrs: conv([3, 3, 2, 3], 1, 'same') },
  { what: 'Inf in dy (im2col)', kernel: 'Conv2DBackpropFilter', inputs: { x: { shape: [2, 6, 6, 2] }, dy: { shape: [2, 6, 6, 3], poison: Infinity } }, attrs: conv([3, 3, 2, 3], 1, 'same') },
  { what: 'NaN in x (convolution)', kernel: 'Conv2DBackpropFilter', inputs: { x: { shape: [2, 6, 6, 8], poison: NaN }, dy: { shape: [2, 3, 3, 3] } }, attrs: conv([3, 3, 8, 3], 2, 'same') },
  { what: '-Inf in dy (convolution)', kernel: 'Conv2DBackpropFilter', inputs: { x: { shape: [2, 6, 6, 8] }, dy: { shape: [2, 6, 6, 3], poison: -Infinity } }, attrs: conv([3, 3, 8, 3], 1, 'same') },
  { what: 'NaN in dy', kernel: 'Conv2DBackpropInput', inputs: { dy: { shape: [2, 3, 3, 4], poison: NaN }, filter: { shape: [3, 3, 2, 4] } }, attrs: convIn([2, 6, 6, 2], 2, 'same') },
  { what: 'NaN in filter', kernel: 'Conv2DBackpropInput', inputs: { dy: { shape: [2, 6, 6, 4] }, filter: { shape: [3, 3, 2, 4], poison: NaN } }, attrs: convIn([2, 6, 6, 2], 1, 'same') },
  { what: 'Inf in filter', kernel: 'Conv2DBackpropInput', inputs: { dy: { shape: [2, 6, 6, 4] }, filter: { shape: [3, 3, 2, 4], poison: Infinity } }, attrs: convIn([2, 6, 6, 2], 1, 'same') },
  { what: 'NaN, bias gradient axes', kernel: 'Sum', inputs: { x: { shape: [4, 5, 6, 3], poison: NaN } }, attrs: reduce([0, 1, 2]) },
  { what: 'Inf, instance-norm axes', kernel: 'Sum', inputs: { x: { shape: [4, 5, 6, 3], poison: Infinity } }, attrs: reduce([1, 2], true) },
  { what: '-Inf, bias gradient axes', kernel: 'Sum', inputs: { x: { shape: [4, 5, 6, 3], poison: -Infinity } }, attrs: reduce([0, 1, 2]) },
  { what: 'NaN, instance-norm axes', kernel: 'Mean', inputs: { x: { shape: [4, 5, 6, 3], poison: NaN } }, attrs: reduce([1, 2], true) },
  { what: 'Inf, bias gradient axes', kernel: 'Mean', inputs: { x: { shape: [4, 5, 6, 3], poison: Infinity } }, attrs: reduce([0, 1, 2]) },
  { what: 'NaN in dy', kernel: 'AvgPoolGrad', inputs: { dy: { shape: [2, 3, 3, 2], poison: NaN }, input: { shape: [2, 7, 7, 2] } }, attrs: pool },
  { what: 'Inf in dy', kernel: 'AvgPoolGrad', inputs: { dy: { shape: [2, 4, 4, 2], poison: Infinity }, input: { shape: [2, 8, 8, 2] } }, attrs: pool },
  { what: 'NaN in a, a transposed', kernel: 'BatchMatMul', inputs: { a: { shape: [1, 7, 5], poison: NaN }, b: { shape: [1, 7, 3] } }, attrs: { transposeA: true, transposeB: false } },
  { what: 'Inf in b, b transposed', kernel: 'BatchMatMul', inputs: { a: { shape: [2, 5, 7] }, b: { shape: [2, 3, 7], poison: Infinity } }, attrs: { transposeA: false, transposeB: true } },
];

/** The same input values on both backends; each poisoned input gets its value at a few positions. */
function inputValues(c: Case): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, { shape, poison }] of Object.entries(c.inputs)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = Float32Array.from(new Rng(`${c.kernel}/${c.what}/${name}`).normalArray(n, 0, 1));
    if (poison !== undefined) for (const i of [0, Math.floor(n / 2), n - 1]) v[i] = poison;
    out[name] = v;
  }
  return out;
}

function runOn(backend: string, c: Case, values: Record<string, Float32Array>): Float32Array {
  void tf.setBackend(backend);
  return tf.tidy(() => {
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, { shape }] of Object.entries(c.inputs)) inputs[name] = tf.tensor(values[name], shape);
    const out = tf.engine().runKernel(c.kernel, inputs as unknown as tf.NamedTensorMap, c.attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

/** Kernels built from a forward convolution over padded or zero-inserted tensors (see conv2d-backprop-*.ts). */
const CONVOLUTIONS = new Set(['Conv2DBackpropFilter', 'Conv2DBackpropInput']);

function kindOf(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : 'finite';
}

describe('non-finite values pass through the project wasm kernels as through the stock (cpu) kernels', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('every registered kernel has a NaN case here', () => {
    const covered = new Set(CASES.filter((c) => Object.values(c.inputs).some((i) => Number.isNaN(i.poison))).map((c) => c.kernel));
    expect(WASM_KERNELS.map((k) => k.kernelName).filter((k) => !covered.has(k))).toEqual([]);
  });

  for (const c of CASES) {
    it(`${c.kernel}: ${c.what}`, () => {
      const values = inputValues(c);
      const wasm = runOn('wasm', c, values);
      const cpu = runOn('cpu', c, values);
      void tf.setBackend('wasm');
      expect(wasm.length).toBe(cpu.length);
      const cpuKinds = Array.from(cpu, kindOf);
      expect(cpuKinds.some((k) => k !== 'finite')).toBe(true); // the case does poison the output
      const wasmKinds = Array.from(wasm, kindOf);
      if (CONVOLUTIONS.has(c.kernel)) {
        // Never finite where cpu is not; NaN where cpu gives NaN; the same infinity or NaN where cpu gives one.
        // Elsewhere NaN is allowed too: the convolution form multiplies its zero padding by the non-finite values.
        for (let i = 0; i < cpu.length; i++) {
          const allowed = cpuKinds[i] === 'NaN' ? ['NaN'] : cpuKinds[i] === 'finite' ? ['finite', 'NaN'] : [cpuKinds[i], 'NaN'];
          expect(allowed, `output ${i}: cpu ${cpu[i]}, wasm ${wasm[i]}`).toContain(wasmKinds[i]);
        }
      } else {
        expect(wasmKinds).toEqual(cpuKinds);
      }
      for (let i = 0; i < cpu.length; i++) {
        if (Number.isFinite(cpu[i]) && Number.isFinite(wasm[i])) expect(Math.abs(wasm[i] - cpu[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(cpu[i])));
      }
    });
  }
});

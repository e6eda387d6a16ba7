import * as tf from '@tensorflow/tfjs';
import { makeAvgPoolGrad } from './avg-pool-grad';
import { makeBatchMatMul } from './batch-mat-mul';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input';
import { makeReduceByPooling } from './reduce-by-pooling';

type Maker = (original: tf.KernelFunc) => tf.KernelFunc;

/**
 * The kernels this project adds to, or puts in front of, the wasm backend. A maker receives the
 * backend's own kernel, to fall back on for the cases it does not speed up.
 */
export const WASM_KERNELS: ReadonlyArray<{ kernelName: string; make: Maker; why: string }> = [
  { kernelName: 'Conv2DBackpropFilter', make: () => conv2dBackpropFilterWasm as unknown as tf.KernelFunc, why: 'missing in tfjs-backend-wasm 4.22' },
  { kernelName: 'Conv2DBackpropInput', make: () => conv2dBackpropInputWasm as unknown as tf.KernelFunc, why: 'the wasm kernel is a naive loop, about 13x slower than a forward conv' },
  { kernelName: 'Sum', make: (o) => makeReduceByPooling('Sum', o), why: 'per-channel sums (bias gradients) transpose the whole tensor' },
  { kernelName: 'Mean', make: (o) => makeReduceByPooling('Mean', o), why: 'instance-norm statistics transpose the whole tensor' },
  { kernelName: 'AvgPoolGrad', make: makeAvgPoolGrad, why: 'the wasm kernel is a loop; non-overlapping pooling is a broadcast' },
  { kernelName: 'BatchMatMul', make: makeBatchMatMul, why: 'a transposed operand runs in a scalar loop, 10-15x slower than Transpose + XNNPACK' },
];

const originals = new Map<string, tf.KernelFunc>();

/** Registers the project's wasm kernels; safe to call more than once. */
export function registerWasmKernels(): void {
  for (const { kernelName, make } of WASM_KERNELS) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (!originals.has(kernelName) && current != null) originals.set(kernelName, current.kernelFunc);
    if (current != null) tf.unregisterKernel(kernelName, 'wasm');
    const original = originals.get(kernelName);
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: make(
        original ??
          (() => {
            throw new Error(`wasm backend has no ${kernelName} kernel to fall back on`);
          }),
      ),
      // The original kernels' setup (cwrap of their wasm functions) must still run on backend init.
      setupFunc: current?.setupFunc,
    });
  }
}

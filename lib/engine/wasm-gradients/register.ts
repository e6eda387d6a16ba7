import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter';
import { conv2dBackpropInputWasm } from './conv2d-backprop-input';

/** The training kernels this project adds to (or replaces in) the wasm backend. */
export const WASM_GRADIENT_KERNELS: ReadonlyArray<{ kernelName: string; kernelFunc: tf.KernelFunc }> = [
  // Missing from tfjs-backend-wasm 4.22.
  { kernelName: 'Conv2DBackpropFilter', kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc },
  // Present but a naive loop (about 13x slower than the forward conv it replaces).
  { kernelName: 'Conv2DBackpropInput', kernelFunc: conv2dBackpropInputWasm as unknown as tf.KernelFunc },
];

/** Registers the project's wasm gradient kernels; safe to call more than once. */
export function registerWasmGradients(): void {
  for (const { kernelName, kernelFunc } of WASM_GRADIENT_KERNELS) {
    if (tf.getKernel(kernelName, 'wasm') != null) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}

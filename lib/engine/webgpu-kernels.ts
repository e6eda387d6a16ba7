import * as tf from '@tensorflow/tfjs';

/**
 * tfjs-backend-webgpu 4.22's AddN binds every input in one shader, while the device keeps WebGPU's
 * default of 8 storage buffers per shader stage (tfjs never asks for more). With more than 7 inputs
 * Dawn rejects the shader and drops its command buffer, and the result is whatever the buffer held:
 * silently wrong values (e.g. L1-sparse's penalty over 14 parameters, DM's sum over 10 classes).
 * This AddN sums at most 7 inputs per dispatch, then sums the partial sums the same way.
 */
export const WEBGPU_ADDN_MAX_INPUTS = 7;

type KernelArgs = Parameters<tf.KernelFunc>[0];

export function registerWebgpuKernels(): void {
  const stock = tf.getKernel('AddN', 'webgpu');
  if (stock == null) throw new Error('registerWebgpuKernels: the webgpu backend has no AddN kernel (is @tensorflow/tfjs-backend-webgpu loaded?).');
  // Registered once per process: re-registering would wrap our own kernel.
  if ((stock.kernelFunc as { chunked?: boolean }).chunked) return;
  const stockFunc = stock.kernelFunc;
  const chunked = (args: KernelArgs): tf.TensorInfo => {
    let level = args.inputs as unknown as tf.TensorInfo[];
    const made: tf.TensorInfo[] = [];
    while (level.length > WEBGPU_ADDN_MAX_INPUTS) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < level.length; i += WEBGPU_ADDN_MAX_INPUTS) {
        const part = level.slice(i, i + WEBGPU_ADDN_MAX_INPUTS);
        const sum = stockFunc({ ...args, inputs: part as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
        made.push(sum);
        next.push(sum);
      }
      level = next;
    }
    const out = stockFunc({ ...args, inputs: level as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
    // Partial sums are the backend's own intermediates: freed here, as tfjs kernels free theirs.
    const backend = args.backend as { disposeData(dataId: object): boolean };
    for (const t of made) if (t !== out) backend.disposeData(t.dataId);
    return out;
  };
  Object.assign(chunked, { chunked: true });
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ ...stock, kernelFunc: chunked as tf.KernelFunc });
}

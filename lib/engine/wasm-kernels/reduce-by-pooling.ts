import * as tf from '@tensorflow/tfjs';
import { withKernelScope } from './kernel-scope';

/**
 * Sum and Mean over a block of axes that is not the innermost one (the per-channel reductions of
 * NHWC tensors: bias gradients over [0,1,2], instance-norm statistics over [1,2]). The wasm Sum/Mean
 * kernels transpose the whole tensor first (about 300 ms for 256x28x28x128); XNNPACK's average
 * pooling over one big window reduces it in place in about 8 ms. Other reductions (innermost axes,
 * integer tensors), inner blocks too wide to pool (see poolingChannels) and non-finite results go to the
 * backend's own kernel.
 */
export function makeReduceByPooling(kernelName: 'Sum' | 'Mean', fallback: tf.KernelFunc): tf.KernelFunc {
  const reduce = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
    const last = axes.at(-1);
    if (x.dtype !== 'float32' || axes.length === 0 || !contiguous || last === x.shape.length - 1) {
      return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
    const outer = x.shape.slice(0, axes[0]).reduce((a, b) => a * b, 1);
    const reduced = axes.reduce((p, a) => p * x.shape[a], 1);
    const inner = x.shape.slice(last! + 1).reduce((a, b) => a * b, 1);
    const channels = poolingChannels(inner);
    if (channels == null) return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d)).filter((_, i) => keepDims || !axes.includes(i));
    const pooled = withKernelScope(args.backend, 'wasm', (s) => {
      // Each of the inner / channels pixels of a row is pooled on its own over the [reduced, 1] window.
      const x4 = s.run('Reshape', { x }, { shape: [outer, reduced, inner / channels, channels] });
      const mean = s.run('AvgPool', { x: x4 }, { filterSize: [reduced, 1], strides: 1, pad: 'valid' });
      const out = kernelName === 'Sum' ? s.run('Multiply', { a: mean, b: s.run('Fill', {}, { shape: [], value: reduced, dtype: 'float32' }) }) : mean;
      return s.run('Reshape', { x: out }, { shape: outShape });
    });
    // XNNPACK clamps the pooled output, which turns NaN into -Infinity (issue 22). Any non-finite result
    // (NaN or Inf in x, or an overflow) is recomputed by the stock kernel, which propagates NaN and Inf as
    // the cpu backend does. Only the reduced output is read, which is small (per channel).
    const values = args.backend.readSync(pooled.dataId) as Float32Array;
    if (values.every(Number.isFinite)) return pooled;
    args.backend.disposeData(pooled.dataId);
    return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  };
  Object.defineProperty(reduce, 'name', { value: `${kernelName.toLowerCase()}ByPoolingWasm` });
  return reduce as unknown as tf.KernelFunc;
}

/**
 * XNNPACK as built into tfjs-backend-wasm 4.22 keeps the running sums of an average pooling whose window
 * holds more than 7 (whole-image window) or 9 (other windows) elements in a per-pixel buffer of `channels`
 * floats that it allocates on the wasm stack (alloca), and that stack is 64 KiB. From about 16k channels on
 * the buffer runs past the stack into the module's static data: 'memory access out of bounds', 'table index
 * is out of bounds' or a hang, and a module on which every later kernel of the process fails the same way.
 * This cap keeps the buffer at half the stack.
 */
export const MAX_POOL_CHANNELS = 8192;

/**
 * Fewest channels per pixel when a wider inner block is split into pixels. Windowed pooling builds an
 * indirection buffer in the wasm heap with one pointer per window row and pixel (reduced * inner / channels,
 * at most x's size / channels); this keeps it under 1/512 of x.
 */
const MIN_SPLIT_CHANNELS = 512;

/**
 * Channels per pooled pixel for an inner block of `inner` floats: all of them up to MAX_POOL_CHANNELS, else
 * the largest divisor of `inner` from MIN_SPLIT_CHANNELS to MAX_POOL_CHANNELS (the block is then pooled as
 * inner / channels pixels), or null when there is none (the stock kernel reduces it).
 */
export function poolingChannels(inner: number): number | null {
  if (inner <= MAX_POOL_CHANNELS) return inner;
  for (let c = MAX_POOL_CHANNELS; c >= MIN_SPLIT_CHANNELS; c--) if (inner % c === 0) return c;
  return null;
}

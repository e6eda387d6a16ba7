import * as tf from '@tensorflow/tfjs';
import { withKernelScope } from './kernel-scope';

/**
 * Sum and Mean over a block of axes that is not the innermost one (the per-channel reductions of
 * NHWC tensors: bias gradients over [0,1,2], instance-norm statistics over [1,2]). The wasm Sum/Mean
 * kernels transpose the whole tensor first (about 300 ms for 256x28x28x128); XNNPACK's average
 * pooling over one big window reduces it in place in about 8 ms. Other reductions (innermost axes,
 * integer tensors) and non-finite results go to the backend's own kernel.
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
    const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d)).filter((_, i) => keepDims || !axes.includes(i));
    const pooled = withKernelScope(args.backend, 'wasm', (s) => {
      const x4 = s.run('Reshape', { x }, { shape: [outer, reduced, 1, inner] });
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

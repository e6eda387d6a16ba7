import * as tf from '@tensorflow/tfjs';
import { withKernelScope } from './kernel-scope';

/**
 * Gradient of non-overlapping average pooling (window = stride, 'valid', the ConvNet's 2x2 pool):
 * every input pixel of a window gets dy / (window area), i.e. a broadcast multiply, about 7x faster
 * than the wasm kernel's loop. Input rows/columns the floor-mode pooling dropped get 0.
 * Other pooling geometries go to the backend's own kernel.
 */
export function makeAvgPoolGrad(fallback: tf.KernelFunc): tf.KernelFunc {
  const avgPoolGrad = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) => {
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad } = args.attrs as unknown as tf.AvgPoolGradAttrs;
    const [kh, kw] = typeof filterSize === 'number' ? [filterSize, filterSize] : filterSize;
    const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
    const valid = pad === 'valid' || pad === 0;
    if (kh !== sh || kw !== sw || !valid || dy.shape.length !== 4) {
      return fallback(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
    const [n, ho, wo, c] = dy.shape;
    const [, h, w] = input.shape;
    return withKernelScope(args.backend, 'wasm', (s) => {
      const spread = s.run('Reshape', { x: dy }, { shape: [n, ho, 1, wo, 1, c] });
      const share = s.run('Fill', {}, { shape: [1, 1, kh, 1, kw, 1], value: 1 / (kh * kw), dtype: 'float32' });
      const up = s.run('Multiply', { a: spread, b: share });
      const dx = s.run('Reshape', { x: up }, { shape: [n, ho * kh, wo * kw, c] });
      if (ho * kh === h && wo * kw === w) return dx;
      return s.run('PadV2', { x: dx }, { paddings: [[0, 0], [0, h - ho * kh], [0, w - wo * kw], [0, 0]], constantValue: 0 });
    });
  };
  return avgPoolGrad as unknown as tf.KernelFunc;
}

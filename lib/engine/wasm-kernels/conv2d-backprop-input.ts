import * as tf from '@tensorflow/tfjs';
import { convGeometry } from './conv-geometry';
import { withKernelScope, type KernelScope } from './kernel-scope';

/**
 * dL/dx of conv2d as one forward convolution (XNNPACK) instead of wasm's naive loop:
 * dx = conv(zero-inserted dy, filter rotated 180 degrees with in/out channels swapped), stride 1.
 * Zero insertion (stride > 1) is a reshape + pad, so every step runs on a fast wasm kernel.
 */
export function conv2dBackpropInputWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { inputShape } = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const g = convGeometry(inputShape, filter.shape, args.attrs);
  return withKernelScope(args.backend, 'wasm', (s) => {
    const reversed = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const rotated = s.run('Transpose', { x: reversed }, { perm: [0, 1, 3, 2] });
    let d = insertZeros(s, dy, g.strideH, g.strideW);
    // Padding that turns the transposed convolution into a 'valid' forward one.
    let top = g.kH - 1 - g.padTop;
    let left = g.kW - 1 - g.padLeft;
    let bottom = g.inH + g.padTop - g.outH * g.strideH;
    let right = g.inW + g.padLeft - g.outW * g.strideW;
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      const [n, h, w, c] = d.shape;
      const begin = [0, Math.max(0, -top), Math.max(0, -left), 0];
      const size = [n, h - begin[1] - Math.max(0, -bottom), w - begin[2] - Math.max(0, -right), c];
      d = s.run('Slice', { x: d }, { begin, size });
      top = Math.max(0, top);
      left = Math.max(0, left);
      bottom = Math.max(0, bottom);
      right = Math.max(0, right);
    }
    return s.run(
      'Conv2D',
      { x: d, filter: rotated },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dilations: [1, 1],
        dataFormat: 'NHWC',
      },
    );
  });
}

/** [n,h,w,c] -> [n,h*sh,w*sw,c] with each value followed by sh-1 zero rows and sw-1 zero columns. */
function insertZeros(s: KernelScope, x: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const spread = s.run('Reshape', { x }, { shape: [n, h, 1, w, 1, c] });
  const padded = s.run(
    'PadV2',
    { x: spread },
    {
      paddings: [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return s.run('Reshape', { x: padded }, { shape: [n, h * sh, w * sw, c] });
}

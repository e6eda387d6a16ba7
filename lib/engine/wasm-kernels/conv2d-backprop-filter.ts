import * as tf from '@tensorflow/tfjs';
import { convGeometry, type ConvGeometry } from './conv-geometry';
import { withKernelScope, type KernelScope } from './kernel-scope';

/**
 * dL/dW of conv2d, which the wasm backend lacks, as one forward convolution (XNNPACK):
 * treat input channels as the batch and the batch as channels, and use dy as the filter,
 * dilated by the forward stride:  dW[kh,kw,ci,co] = conv(x^T[ci,h,w,n], dy^T[oh,ow,n,co]).
 */
export function conv2dBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { filterShape } = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const g = convGeometry(x.shape, filterShape, args.attrs);
  if (g.kH * g.kW * g.inC <= IM2COL_MAX_PATCH) {
    return withKernelScope(args.backend, 'wasm', (s) => filterGradientByIm2col(s, x, dy, g));
  }
  // dy is used as a convolution filter, which XNNPACK packs (a copy) and indexes per tap; a whole
  // large batch would need hundreds of MB of wasm heap, so the batch is split and partial dW summed.
  const perSample = g.outH * g.outW * g.outC;
  const chunk = Math.max(1, Math.min(g.batch, Math.floor(FILTER_BUDGET_FLOATS / perSample)));
  return withKernelScope(args.backend, 'wasm', (s) => {
    let total: tf.TensorInfo | null = null;
    for (let b0 = 0; b0 < g.batch; b0 += chunk) {
      const n = Math.min(chunk, g.batch - b0);
      const part = filterGradientOfBatch(s, x, dy, g, b0, n);
      total = total == null ? part : s.run('Add', { a: total, b: part });
    }
    return total!;
  });
}

/** Budget for one batch chunk of dy (floats): 4M floats = 16 MB. */
const FILTER_BUDGET_FLOATS = 4 * 1024 * 1024;

/**
 * Patch length (kh*kw*in) up to which the filter gradient is a matrix product of image patches
 * instead: with few input channels (first layers) the convolution form leaves XNNPACK only
 * kh*kw*in output rows and ran at 0.6 GFLOP/s (841 ms for 256x28x28x1 -> 128).
 */
const IM2COL_MAX_PATCH = 64;

/** dW = patches(x)^T dy, patches [n*oh*ow, kh*kw*in] in the filter's (kh, kw, in) order. */
function filterGradientByIm2col(s: KernelScope, x: tf.TensorInfo, dy: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const spanH = (g.outH - 1) * g.strideH + g.kH;
  const spanW = (g.outW - 1) * g.strideW + g.kW;
  const padBottom = Math.max(0, spanH - g.inH - g.padTop);
  const padRight = Math.max(0, spanW - g.inW - g.padLeft);
  const padded = s.run('PadV2', { x }, { paddings: [[0, 0], [g.padTop, padBottom], [g.padLeft, padRight], [0, 0]], constantValue: 0 });
  const taps: tf.TensorInfo[] = [];
  for (let i = 0; i < g.kH; i++) {
    for (let j = 0; j < g.kW; j++) {
      const end = [g.batch, i + (g.outH - 1) * g.strideH + 1, j + (g.outW - 1) * g.strideW + 1, g.inC];
      taps.push(
        s.run(
          'StridedSlice',
          { x: padded },
          { begin: [0, i, j, 0], end, strides: [1, g.strideH, g.strideW, 1], beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
        ),
      );
    }
  }
  const rows = g.batch * g.outH * g.outW;
  const patchLen = g.kH * g.kW * g.inC;
  const patches = taps.length === 1 ? taps[0] : s.run('Concat', taps, { axis: 3 });
  const flat = s.run('Reshape', { x: patches }, { shape: [rows, patchLen] });
  // wasm's matMul with transposeA is a slow loop; an explicit transpose of the small patch matrix is not.
  const flatT = s.run('Transpose', { x: flat }, { perm: [1, 0] });
  const a = s.run('Reshape', { x: flatT }, { shape: [1, patchLen, rows] });
  const b = s.run('Reshape', { x: dy }, { shape: [1, rows, g.outC] });
  const dW = s.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  return s.run('Reshape', { x: dW }, { shape: [g.kH, g.kW, g.inC, g.outC] });
}

function filterGradientOfBatch(
  s: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: ConvGeometry,
  b0: number,
  n: number,
): tf.TensorInfo {
  // Rows/columns past the last window position never reach dy: crop them (negative bottom/right pad).
  let bottom = g.kH - g.inH - g.padTop + (g.outH - 1) * g.strideH;
  let right = g.kW - g.inW - g.padLeft + (g.outW - 1) * g.strideW;
  const whole = b0 === 0 && n === g.batch;
  let input = x;
  if (bottom < 0 || right < 0 || !whole) {
    input = s.run(
      'Slice',
      { x },
      { begin: [b0, 0, 0, 0], size: [n, g.inH + Math.min(0, bottom), g.inW + Math.min(0, right), g.inC] },
    );
    bottom = Math.max(0, bottom);
    right = Math.max(0, right);
  }
  const grad = whole ? dy : s.run('Slice', { x: dy }, { begin: [b0, 0, 0, 0], size: [n, g.outH, g.outW, g.outC] });
  const xT = s.run('Transpose', { x: input }, { perm: [3, 1, 2, 0] });
  const dyT = s.run('Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
  const dW = s.run(
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [g.padTop, bottom],
        [g.padLeft, right],
        [0, 0],
      ],
      dilations: [g.strideH, g.strideW],
      dataFormat: 'NHWC',
    },
  );
  return s.run('Transpose', { x: dW }, { perm: [1, 2, 0, 3] });
}

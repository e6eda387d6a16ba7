import * as tf from '@tensorflow/tfjs';

/** Padding and output geometry of a forward NHWC conv2d, as the forward kernel computed it. */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/** The conv attributes both gradient kernels receive (Conv2DBackpropInput/FilterAttrs). */
export interface ConvGradAttrs {
  strides: number | [number, number];
  pad: unknown;
  dataFormat?: unknown;
  dimRoundingMode?: unknown;
}

export function convGeometry(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap): ConvGeometry {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as ConvGradAttrs;
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`Conv2D gradients on wasm support dataFormat 'NHWC' only, got '${String(dataFormat)}'.`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad as 'same',
    dimRoundingMode as 'floor' | undefined,
    false,
    'channelsLast',
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    inC: info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    outC: info.outChannels,
    kH: info.filterHeight,
    kW: info.filterWidth,
    strideH: info.strideHeight,
    strideW: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

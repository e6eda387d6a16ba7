import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';

/** An 8-bit RGB image, HWC order. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Drops the alpha channel of RGBA pixels. */
function rgbaToRgb(width: number, height: number, rgba: ArrayLike<number>): RgbImage {
  const n = width * height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[3 * i] = rgba[4 * i];
    data[3 * i + 1] = rgba[4 * i + 1];
    data[3 * i + 2] = rgba[4 * i + 2];
  }
  return { width, height, data };
}

/**
 * Decodes a PNG of any colour type (grayscale, palette, RGB, with or without alpha, 8 or 16 bit)
 * to 8-bit RGB: pngjs expands every type to 8-bit RGBA, and the alpha is dropped.
 */
export function decodePngRgb(buf: Buffer, file: string): RgbImage {
  let png: PNG;
  try {
    png = PNG.sync.read(buf);
  } catch (e) {
    throw new Error(`${file} is not a readable PNG (${(e as Error).message}). Re-download the dataset.`);
  }
  return rgbaToRgb(png.width, png.height, png.data);
}

/** Decodes a baseline or progressive JPEG (grayscale or colour) to 8-bit RGB. */
export function decodeJpegRgb(buf: Buffer, file: string): RgbImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    throw new Error(`${file} is not a readable JPEG (${(e as Error).message}). Re-download the dataset.`);
  }
  return rgbaToRgb(img.width, img.height, img.data);
}

/** The largest centred square of an image (faces in VGGFace2 are centred in non-square crops). */
export function centerCropSquare(img: RgbImage): RgbImage {
  const side = Math.min(img.width, img.height);
  if (side === img.width && side === img.height) return img;
  const x0 = Math.floor((img.width - side) / 2);
  const y0 = Math.floor((img.height - side) / 2);
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    const from = ((y + y0) * img.width + x0) * 3;
    data.set(img.data.subarray(from, from + side * 3), y * side * 3);
  }
  return { width: side, height: side, data };
}

/**
 * Per output position, the first input index and the normalised weights of a triangle (bilinear)
 * filter widened by the scale factor when shrinking, as PIL's BILINEAR resampling does (which is
 * what torchvision's Resize uses on PIL images). Shrinking therefore averages all covered pixels
 * instead of aliasing; enlarging is plain bilinear interpolation with half-pixel centres.
 */
function filterWeights(inSize: number, outSize: number): { start: Int32Array; weights: Float64Array[] } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle filter has support 1, widened by filterScale
  const start = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support + 0.5));
    const hi = Math.min(inSize, Math.floor(center + support + 0.5));
    const w = new Float64Array(Math.max(hi - lo, 0));
    let total = 0;
    for (let j = lo; j < hi; j++) {
      const x = (j - center + 0.5) / filterScale;
      const v = Math.max(0, 1 - Math.abs(x));
      w[j - lo] = v;
      total += v;
    }
    if (total > 0) for (let k = 0; k < w.length; k++) w[k] /= total;
    start[i] = lo;
    weights.push(w);
  }
  return { start, weights };
}

/**
 * Resizes HWC pixels (any channel count) to outH x outW with antialiased bilinear filtering
 * (separable: rows then columns). A pure function, no tensors; output values keep the input range
 * (not rounded), so an 8-bit input gives fractional 0..255 values.
 */
export function resizeBilinear(
  src: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  outH: number,
  outW: number,
): Float32Array {
  if (src.length !== height * width * channels) {
    throw new Error(`resizeBilinear: ${src.length} values do not make a ${height}x${width}x${channels} image.`);
  }
  if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH < 1 || outW < 1) {
    throw new Error(`resizeBilinear: output size must be positive integers, got ${outH}x${outW}.`);
  }
  const fx = filterWeights(width, outW);
  const fy = filterWeights(height, outH);
  // Horizontal pass: height x outW.
  const tmp = new Float64Array(height * outW * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outW; x++) {
      const w = fx.weights[x];
      const s = fx.start[x];
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < w.length; k++) acc += w[k] * src[(y * width + s + k) * channels + c];
        tmp[(y * outW + x) * channels + c] = acc;
      }
    }
  }
  // Vertical pass: outH x outW.
  const out = new Float32Array(outH * outW * channels);
  for (let y = 0; y < outH; y++) {
    const w = fy.weights[y];
    const s = fy.start[y];
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < w.length; k++) acc += w[k] * tmp[((s + k) * outW + x) * channels + c];
        out[(y * outW + x) * channels + c] = acc;
      }
    }
  }
  return out;
}

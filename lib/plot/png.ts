import { PNG } from 'pngjs';
import { imageSize, type Dataset } from '../data/dataset';

/** An 8-bit RGBA raster. */
export interface Rgba {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export function blankRgba(width: number, height: number, grey = 255): Rgba {
  const pixels = new Uint8Array(width * height * 4).fill(grey);
  return { width, height, pixels };
}

/**
 * Sample `index` of a dataset as RGBA: de-normalised with the dataset's per-channel mean/std back to
 * [0,1] (x * std + mean), clamped, grey replicated for 1-channel images.
 */
export function datasetImageRgba(ds: Dataset, index: number): Rgba {
  const [h, w, c] = ds.shape;
  if (c !== 1 && c !== 3) throw new Error(`${ds.name}: images with ${c} channels cannot be drawn; expected 1 (grey) or 3 (RGB).`);
  const per = imageSize(ds);
  const src = ds.images.subarray(index * per, (index + 1) * per);
  const out = new Uint8Array(w * h * 4);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) {
      const ch = c === 1 ? 0 : k;
      const v = src[p * c + ch] * ds.std[ch] + ds.mean[ch];
      out[p * 4 + k] = Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * 255);
    }
    out[p * 4 + 3] = 255;
  }
  return { width: w, height: h, pixels: out };
}

/** Copies `src` into `dst` at (x, y), each source pixel drawn as a scale x scale block (nearest neighbour). */
export function blit(dst: Rgba, src: Rgba, x: number, y: number, scale = 1): void {
  for (let r = 0; r < src.height * scale; r++) {
    for (let q = 0; q < src.width * scale; q++) {
      const s = (Math.floor(r / scale) * src.width + Math.floor(q / scale)) * 4;
      const d = ((y + r) * dst.width + x + q) * 4;
      dst.pixels.set(src.pixels.subarray(s, s + 4), d);
    }
  }
}

export function encodePng(img: Rgba): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.pixels.buffer, img.pixels.byteOffset, img.pixels.byteLength);
  return PNG.sync.write(png);
}

export function pngDataUri(img: Rgba): string {
  return `data:image/png;base64,${encodePng(img).toString('base64')}`;
}

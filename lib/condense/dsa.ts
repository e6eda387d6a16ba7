import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../engine/rng';

/**
 * Differentiable siamese augmentation (DSA, Zhao & Bilen 2021), the one implementation used by GM,
 * DM and IDM. "Siamese": the caller draws one parameter set and applies it to both the real and the
 * synthetic batch of a class. Every transform is differentiable in the image. One parameter set is
 * shared by the whole batch (per-image parameters would make real and synthetic batches of different
 * sizes share only a prefix). Families and constants follow the reference's ParamDiffAug (docs/reference/blend-a-amu.md#a8):
 * color (brightness 1.0, saturation 2.0, contrast 0.5), crop (translation by up to 0.125 of the side,
 * zero padding), cutout (half the side, zeroed), flip (probability 0.5), scale (ratio 1.2) and rotate
 * (up to 15 degrees); scale and rotate use bilinear sampling with zero padding (affine_grid +
 * grid_sample, align_corners true), written as a fixed linear map of the image.
 */
export type DsaTransform = 'color' | 'crop' | 'cutout' | 'flip' | 'scale' | 'rotate';
/** The reference strategy color_crop_cutout_flip_scale_rotate. */
export const DSA_DEFAULT_STRATEGY: DsaTransform[] = ['color', 'crop', 'cutout', 'flip', 'scale', 'rotate'];
/** 'single': one family drawn per call (ParamDiffAug's default aug_mode 'S'); 'multiple': all, in order ('M'). */
export type DsaMode = 'single' | 'multiple';

export interface DsaParams {
  /** Families applied, in order (exactly one in 'single' mode). */
  families: DsaTransform[];
  flip: boolean;
  brightness: number;
  saturation: number;
  contrast: number;
  /** Crop shift as a fraction in [-1, 1] of the largest shift. */
  shiftY: number;
  shiftX: number;
  /** Cutout centre as a fraction in [0, 1). */
  cutY: number;
  cutX: number;
  /** Scale factor (sx = sy: the reference reseeds before drawing each, so they are equal). */
  scale: number;
  /** Rotation angle in radians. */
  angle: number;
}

/**
 * Draws one parameter set. Every value is drawn whatever the families, so the random stream a caller
 * sees does not depend on which family was picked.
 */
export function sampleDsaParams(rng: Rng, strategy: DsaTransform[] = DSA_DEFAULT_STRATEGY, mode: DsaMode = 'single'): DsaParams {
  if (strategy.length === 0) throw new Error('sampleDsaParams: the DSA strategy is empty; pass at least one transform (callers turn DSA off with dsa: []).');
  for (const s of strategy) {
    if (!DSA_DEFAULT_STRATEGY.includes(s)) throw new Error(`sampleDsaParams: unknown DSA transform '${s}'; choose from ${DSA_DEFAULT_STRATEGY.join(', ')}.`);
  }
  if (mode !== 'single' && mode !== 'multiple') throw new Error(`sampleDsaParams: DSA mode must be 'single' or 'multiple', got '${String(mode)}'.`);
  const families = mode === 'single' ? [strategy[rng.int(strategy.length)]] : strategy.slice();
  const scaleRatio = 1.2;
  return {
    families,
    flip: rng.next() < 0.5,
    brightness: (rng.next() - 0.5) * 1.0,
    saturation: rng.next() * 2.0,
    contrast: rng.next() + 0.5,
    shiftY: rng.next() * 2 - 1,
    shiftX: rng.next() * 2 - 1,
    cutY: rng.next(),
    cutX: rng.next(),
    scale: rng.next() * (scaleRatio - 1 / scaleRatio) + 1 / scaleRatio,
    angle: (rng.next() - 0.5) * 2 * (15 / 180) * Math.PI,
  };
}

/** Applies the augmentation with the given parameters (call with the same params for real and synthetic). */
export function dsaAugment(x: tf.Tensor4D, p: DsaParams): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x;
    for (const f of p.families) {
      if (f === 'color') y = color(y, p);
      else if (f === 'crop') y = crop(y, p);
      else if (f === 'cutout') y = cutout(y, p);
      else if (f === 'flip') y = p.flip ? tf.reverse(y, 2) : y;
      else if (f === 'scale') y = warp(y, [p.scale, 0, 0, p.scale]);
      else if (f === 'rotate') y = warp(y, [Math.cos(p.angle), -Math.sin(p.angle), Math.sin(p.angle), Math.cos(p.angle)]);
      else throw new Error(`dsaAugment: unknown DSA transform '${String(f)}'; choose from ${DSA_DEFAULT_STRATEGY.join(', ')}.`);
    }
    return y;
  });
}

/** Brightness, then saturation (colour images only), then contrast around each image's mean. */
function color(x: tf.Tensor4D, p: DsaParams): tf.Tensor4D {
  let y: tf.Tensor4D = tf.add(x, p.brightness);
  if (x.shape[3] > 1) {
    const m = tf.mean(y, 3, true);
    y = tf.add(tf.mul(tf.sub(y, m), p.saturation), m);
  }
  const m = tf.mean(y, [1, 2, 3], true);
  return tf.add(tf.mul(tf.sub(y, m), p.contrast), m);
}

function crop(x: tf.Tensor4D, p: DsaParams): tf.Tensor4D {
  const [, h, w] = x.shape;
  const dy = Math.round(p.shiftY * Math.floor(h * 0.125 + 0.5));
  const dx = Math.round(p.shiftX * Math.floor(w * 0.125 + 0.5));
  const padded = tf.pad(x, [
    [0, 0],
    [Math.max(dy, 0), Math.max(-dy, 0)],
    [Math.max(dx, 0), Math.max(-dx, 0)],
    [0, 0],
  ]);
  return tf.slice(padded, [0, Math.max(-dy, 0), Math.max(-dx, 0), 0], [-1, h, w, -1]);
}

function cutout(x: tf.Tensor4D, p: DsaParams): tf.Tensor4D {
  const [, h, w] = x.shape;
  const ch = Math.floor(h * 0.5 + 0.5);
  const cw = Math.floor(w * 0.5 + 0.5);
  const cy = Math.floor(p.cutY * (h + 1 - (ch % 2))) - Math.floor(ch / 2);
  const cx = Math.floor(p.cutX * (w + 1 - (cw % 2))) - Math.floor(cw / 2);
  const mask = new Float32Array(h * w).fill(1);
  for (let i = Math.max(0, cy); i < Math.min(h, cy + ch); i++) {
    for (let j = Math.max(0, cx); j < Math.min(w, cx + cw); j++) mask[i * w + j] = 0;
  }
  return tf.mul(x, tf.tensor4d(mask, [1, h, w, 1]));
}

/**
 * [HW, HW] matrix of PyTorch's affine_grid + grid_sample (bilinear, zero padding, align_corners true)
 * for the 2x2 matrix a (no translation): out = M @ in over flattened pixels. The sampling positions do
 * not depend on the image, so the warp is linear in it and differentiable by matMul.
 */
function warpMatrix(h: number, w: number, a: [number, number, number, number]): tf.Tensor2D {
  const m = new Float32Array(h * w * h * w);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const xn = w > 1 ? -1 + (2 * j) / (w - 1) : 0;
      const yn = h > 1 ? -1 + (2 * i) / (h - 1) : 0;
      const xs = ((a[0] * xn + a[1] * yn + 1) / 2) * (w - 1);
      const ys = ((a[2] * xn + a[3] * yn + 1) / 2) * (h - 1);
      const x0 = Math.floor(xs);
      const y0 = Math.floor(ys);
      const row = (i * w + j) * h * w;
      for (const [yy, wy] of [[y0, 1 - (ys - y0)], [y0 + 1, ys - y0]]) {
        for (const [xx, wx] of [[x0, 1 - (xs - x0)], [x0 + 1, xs - x0]]) {
          if (yy >= 0 && yy < h && xx >= 0 && xx < w && wy * wx !== 0) m[row + yy * w + xx] += wy * wx;
        }
      }
    }
  }
  return tf.tensor2d(m, [h * w, h * w]);
}

function warp(x: tf.Tensor4D, a: [number, number, number, number]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const flat = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [h * w, n * c]);
  const out = tf.matMul(warpMatrix(h, w, a), flat);
  return tf.transpose(tf.reshape(out, [h, w, n, c]), [2, 0, 1, 3]);
}

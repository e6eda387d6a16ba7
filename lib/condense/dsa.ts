import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../engine/rng';

/**
 * Differentiable siamese augmentation (DSA, Zhao & Bilen 2021) for GM/DM/IDM: the same random
 * parameters are applied to the real and the synthetic batch of a class ("siamese"), and every
 * transform is differentiable in the image. One parameter set per call is shared by the whole batch
 * (DSA's batch mode). Supported: color (brightness, saturation, contrast), crop (translation with
 * zero padding), cutout, flip; 'scale' and 'rotate' need a differentiable grid sampler that tfjs does
 * not have, so they are not implemented (the reference strategy is color_crop_cutout_flip_scale_rotate).
 */
export type DsaTransform = 'color' | 'crop' | 'cutout' | 'flip';
export const DSA_DEFAULT_STRATEGY: DsaTransform[] = ['color', 'crop', 'cutout', 'flip'];

export interface DsaParams {
  flip: boolean;
  brightness: number;
  saturation: number;
  contrast: number;
  shiftY: number;
  shiftX: number;
  cutY: number;
  cutX: number;
  strategy: DsaTransform[];
}

/** ParamDiffAug defaults: brightness 1.0, saturation 2.0, contrast 0.5, crop pad ratio 0.125, cutout ratio 0.5. */
export function sampleDsaParams(rng: Rng, strategy: DsaTransform[] = DSA_DEFAULT_STRATEGY): DsaParams {
  for (const s of strategy) {
    if (!DSA_DEFAULT_STRATEGY.includes(s)) throw new Error(`DSA: unknown transform '${s}'; choose from ${DSA_DEFAULT_STRATEGY.join(', ')}.`);
  }
  return {
    flip: rng.next() < 0.5,
    brightness: (rng.next() - 0.5) * 1.0,
    saturation: rng.next() * 2.0,
    contrast: rng.next() + 0.5,
    shiftY: rng.next() * 2 - 1,
    shiftX: rng.next() * 2 - 1,
    cutY: rng.next(),
    cutX: rng.next(),
    strategy,
  };
}

function shift(x: tf.Tensor4D, dy: number, dx: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const padded = tf.pad(x, [
    [0, 0],
    [Math.max(dy, 0), Math.max(-dy, 0)],
    [Math.max(dx, 0), Math.max(-dx, 0)],
    [0, 0],
  ]);
  return tf.slice(padded, [0, Math.max(-dy, 0), Math.max(-dx, 0), 0], [-1, h, w, -1]);
}

/** Applies the augmentation with the given parameters (call twice with the same params for real and synthetic). */
export function dsaAugment(x: tf.Tensor4D, p: DsaParams): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x;
    const [, h, w, c] = x.shape;
    for (const t of p.strategy) {
      if (t === 'color') {
        y = tf.add(y, p.brightness);
        if (c > 1) {
          const m = tf.mean(y, 3, true);
          y = tf.add(tf.mul(tf.sub(y, m), p.saturation), m);
        }
        const m = tf.mean(y, [1, 2, 3], true);
        y = tf.add(tf.mul(tf.sub(y, m), p.contrast), m);
      } else if (t === 'crop') {
        const maxY = Math.floor(h * 0.125 + 0.5);
        const maxX = Math.floor(w * 0.125 + 0.5);
        y = shift(y, Math.round(p.shiftY * maxY), Math.round(p.shiftX * maxX));
      } else if (t === 'cutout') {
        const ch = Math.floor(h * 0.5 + 0.5);
        const cw = Math.floor(w * 0.5 + 0.5);
        const cy = Math.floor(p.cutY * (h + 1 - (ch % 2))) - Math.floor(ch / 2);
        const cx = Math.floor(p.cutX * (w + 1 - (cw % 2))) - Math.floor(cw / 2);
        const mask = new Float32Array(h * w).fill(1);
        for (let i = Math.max(0, cy); i < Math.min(h, cy + ch); i++) {
          for (let j = Math.max(0, cx); j < Math.min(w, cx + cw); j++) mask[i * w + j] = 0;
        }
        y = tf.mul(y, tf.tensor4d(mask, [1, h, w, 1]));
      } else if (t === 'flip' && p.flip) {
        y = tf.reverse(y, 2);
      }
    }
    return y;
  });
}

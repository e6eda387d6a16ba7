import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../engine/rng';
import type { Classifier } from '../../models/classifier';
import { crossEntropy } from '../../train/losses';

/**
 * Adversarial examples for Boundary Shrink (FGSM) and ADV+IMP (targeted L2 PGD). The reference
 * attacks work in [0, 1] pixel space, so the bounds below are in pixel units: images are
 * de-normalised with the dataset's per-channel mean/std, attacked, clamped to [0, 1] and normalised
 * back before they reach the model.
 */
export interface PixelStats {
  mean: number[];
  std: number[];
}

export function toPixels(x: tf.Tensor4D, s: PixelStats): tf.Tensor4D {
  return tf.tidy(() => tf.add(tf.mul(x, s.std), s.mean) as tf.Tensor4D);
}

export function fromPixels(p: tf.Tensor4D, s: PixelStats): tf.Tensor4D {
  return tf.tidy(() => tf.div(tf.sub(p, s.mean), s.std) as tf.Tensor4D);
}

/** d loss / d pixels of cross-entropy of the model (evaluation mode) against `labels`. */
function pixelGradient(model: Classifier, pixels: tf.Tensor4D, labels: tf.Tensor1D, s: PixelStats): tf.Tensor4D {
  return tf.tidy(() => tf.grad((p: tf.Tensor) => crossEntropy(model.predict(fromPixels(p as tf.Tensor4D, s)), labels))(pixels) as tf.Tensor4D);
}

/**
 * Untargeted FGSM as in Boundary Unlearning: one signed-gradient step of size `bound` that raises the
 * cross-entropy of the true label, clamped to [0, 1], rounded to 1/255 (8-bit images), no random
 * start. Returns normalised images.
 */
export function fgsmUntargeted(model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, bound: number, s: PixelStats, quantise = true): tf.Tensor4D {
  return tf.tidy(() => {
    const p = toPixels(x, s);
    const g = pixelGradient(model, p, y, s);
    let adv = tf.clipByValue(tf.add(p, tf.mul(tf.sign(g), bound)), 0, 1);
    if (quantise) adv = tf.div(tf.round(tf.mul(adv, 255)), 255);
    return fromPixels(adv as tf.Tensor4D, s);
  });
}

/** Per-sample L2 norm of a [n, ...] tensor, shaped [n, 1, 1, 1] for broadcasting. */
function sampleNorms(t: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.sqrt(tf.sum(tf.square(t), [1, 2, 3], true)) as tf.Tensor4D);
}

/** Scales each sample's delta down to L2 norm <= eps (advertorch clamp_by_pnorm). */
function clampL2(delta: tf.Tensor4D, eps: number): tf.Tensor4D {
  return tf.tidy(() => tf.mul(delta, tf.minimum(tf.div(eps, tf.maximum(sampleNorms(delta), 1e-12)), 1)) as tf.Tensor4D);
}

export interface L2PgdOptions {
  /** L2 radius in pixel units (L2UL: 4.0 for CIFAR-10, 2.0 for UTKFace). */
  eps: number;
  /** L2 length of each step (L2UL: 0.1). */
  stepSize: number;
  /** Steps (L2UL: 100). */
  iterations: number;
  /** Random start: a uniform random image minus x, projected into the ball (advertorch). */
  randomInit: boolean;
}

/**
 * Targeted L2 PGD (advertorch L2PGDAttack, targeted): each step moves the perturbation by `stepSize`
 * along the L2-normalised gradient that lowers the cross-entropy of the target label, then clamps
 * the image to [0, 1] and the perturbation to the eps ball. Returns normalised images.
 */
export function l2PgdTargeted(
  model: Classifier,
  x: tf.Tensor4D,
  target: tf.Tensor1D,
  o: L2PgdOptions,
  s: PixelStats,
  rng: Rng,
): tf.Tensor4D {
  return tf.tidy(() => {
    const p = toPixels(x, s);
    let delta: tf.Tensor4D = tf.zerosLike(p);
    if (o.randomInit) {
      const u = tf.tensor4d(rng.uniformArray(p.size, 0, 1), p.shape);
      delta = clampL2(tf.sub(u, p) as tf.Tensor4D, o.eps);
      delta = tf.sub(tf.clipByValue(tf.add(p, delta), 0, 1), p) as tf.Tensor4D;
    }
    for (let i = 0; i < o.iterations; i++) {
      const next = tf.tidy(() => {
        const g = pixelGradient(model, tf.add(p, delta) as tf.Tensor4D, target, s);
        // Descend the target's cross-entropy: a targeted attack.
        const step = tf.mul(tf.div(g, tf.maximum(sampleNorms(g), 1e-12)), -o.stepSize);
        const moved = tf.sub(tf.clipByValue(tf.add(tf.add(p, delta), step), 0, 1), p) as tf.Tensor4D;
        return clampL2(moved, o.eps);
      });
      delta.dispose();
      delta = next;
    }
    return fromPixels(tf.clipByValue(tf.add(p, delta), 0, 1) as tf.Tensor4D, s);
  });
}

/** For each label, a class drawn uniformly from the other numClasses - 1 classes. */
export function randomOtherLabels(labels: ArrayLike<number>, numClasses: number, rng: Rng): Int32Array {
  if (numClasses < 2) throw new Error('randomOtherLabels needs at least 2 classes.');
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const r = rng.int(numClasses - 1);
    out[i] = r >= labels[i] ? r + 1 : r;
  }
  return out;
}

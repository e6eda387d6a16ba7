import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../../data/batches';
import { size, type Dataset } from '../../data/dataset';
import { tidyRead, tidyReadScalar } from '../../engine/read';
import { Rng } from '../../engine/rng';
import { jStat } from '../../metrics/jstat';
import { gaussianisedLosses, miaRegulariser } from '../../metrics/mia-regulariser';
import type { Classifier } from '../../models/classifier';
import { perSampleCrossEntropy } from '../../train/losses';
import { AMU_DEFAULTS, ClassIndex, drawAmuSample, SubsetSampler } from '../../unlearn';

/**
 * The A-AMU regulariser of one step, taken apart (the analysis notebook 03 shows). It draws its samples
 * with A-AMU's own samplers and computes the value with the same miaRegulariser the method adds to its loss.
 */

/** One set's values at every stage of the regulariser (docs/reference/blend-a-amu.md#a6 step 4). */
export interface AnatomySet {
  /** Per-sample cross-entropy of the original model. */
  loss: number[];
  /** u = log(1 + loss). */
  log1p: number[];
  /** Smoothed within-set CDF F_i (reference form with the ReLU), recovered as Phi(z). */
  cdf: number[];
  /** z = probit(F): the Gaussianised loss the MMD compares (reference form, z >= 0). */
  z: number[];
  /** z of the paper's formula (no ReLU: F in (0,1), z centred near 0). */
  zPaper: number[];
}

export interface AnatomySteps {
  k: number;
  sigma: number;
  forget: AnatomySet;
  test: AnatomySet;
  /** Kernel means of the biased MMD^2 = ff + tt - 2 ft (reference form). */
  kernel: { ff: number; tt: number; ft: number };
  /** miaRegulariser's value (reference form) and with the paper's formula. */
  mmd: number;
  mmdPaper: number;
}

const round5 = (v: number) => Math.round(v * 1e5) / 1e5;
/** Values rounded to 5 decimals (results.json stays small). */
export const rounded = (a: ArrayLike<number>) => Array.from(a, round5);

/** Per-sample CE of `model` (evaluation mode) on the given positions of `ds`, as a 1-D tensor. */
function lossesOf(model: Classifier, ds: Dataset, positions: Int32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const { x, y } = batchTensors(ds, positions);
    return perSampleCrossEntropy(model.predict(x), y);
  });
}

async function anatomySet(losses: tf.Tensor1D, k: number): Promise<AnatomySet> {
  const loss = Array.from(await losses.data());
  const [zRef, zNoRelu] = await tidyRead(() => [gaussianisedLosses(losses, k, true), gaussianisedLosses(losses, k, false)]);
  const z = Array.from(zRef);
  const zPaper = Array.from(zNoRelu);
  return {
    loss: rounded(loss),
    log1p: rounded(loss.map((c) => Math.log(1 + c + 1e-8))),
    // probit is monotone, so Phi(z) is exactly the smoothed CDF the regulariser computed (z never hits the clip).
    cdf: rounded(z.map((v) => jStat.normal.cdf(v, 0, 1))),
    z: rounded(z),
    zPaper: rounded(zPaper),
  };
}

function meanKernel(a: number[], b: number[], sigma: number): number {
  let s = 0;
  for (const x of a) for (const y of b) s += Math.exp(-((x - y) ** 2) / (2 * sigma * sigma));
  return s / (a.length * b.length);
}

/**
 * The regulariser of one A-AMU step on the original model: a random forget sample and a test-pool sample
 * restricted to its classes (as A-AMU draws them), each through log1p -> smoothed CDF -> probit, then MMD^2.
 */
export async function regulariserAnatomy(
  model: Classifier,
  forget: Dataset,
  testPool: Dataset,
  o: { samples: number; seed: number | string; k?: number; sigma?: number },
): Promise<AnatomySteps> {
  if (!Number.isInteger(o.samples) || o.samples < 2) throw new Error(`regulariserAnatomy: samples must be an integer >= 2, got ${o.samples}.`);
  if (size(forget) < 2) throw new Error(`regulariserAnatomy: the forget set has ${size(forget)} samples; need at least 2.`);
  const k = o.k ?? AMU_DEFAULTS.k;
  const sigma = o.sigma ?? AMU_DEFAULTS.sigma;
  const rng = new Rng(o.seed).fork('aamu-anatomy');
  // A-AMU's own draw: forget positions, then test-pool positions of the drawn classes.
  const forgetSampler = new SubsetSampler(Int32Array.from({ length: size(forget) }, (_, i) => i));
  const draw = drawAmuSample('regulariserAnatomy', forget, forgetSampler, new ClassIndex(testPool), Math.min(o.samples, size(forget)), o.samples, rng);
  if (draw.test.length < 2) throw new Error(`regulariserAnatomy: the test pool has ${draw.test.length} samples of the forget classes; pass a class-matched test pool.`);
  const lf = lossesOf(model, forget, draw.forget);
  const lt = lossesOf(model, testPool, draw.test);
  try {
    const f = await anatomySet(lf, k);
    const t = await anatomySet(lt, k);
    const mmd = await tidyReadScalar(() => miaRegulariser(lf, lt, { k, sigma }));
    const mmdPaper = await tidyReadScalar(() => miaRegulariser(lf, lt, { k, sigma, referenceRelu: false }));
    return { k, sigma, forget: f, test: t, kernel: { ff: meanKernel(f.z, f.z, sigma), tt: meanKernel(t.z, t.z, sigma), ft: meanKernel(f.z, t.z, sigma) }, mmd, mmdPaper };
  } finally {
    lf.dispose();
    lt.dispose();
  }
}


import { size, subsetByIndex, type Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import type { Classifier } from '../models/classifier';
import { predict } from '../train/evaluate';
import { checkFinite } from './checks';
import { confidenceOf } from './confidence';
import { rocCurve, tprAtFpr, type RocResult } from './roc';
import type { ShadowTrainer } from './shadow-training';

/**
 * LiRA, the Likelihood Ratio Attack of Carlini et al. (2022), "Membership inference attacks from
 * first principles". Shadow models are trained on random halves of a population; for each example
 * the attack fits Gaussians to the logit-scaled confidence phi = log(p_y / (1 - p_y)) of the
 * shadows that trained on it (IN) and that did not (OUT), and scores the target model's phi:
 *   online:  log N(phi; mu_in, s_in) - log N(phi; mu_out, s_out)   (needs IN and OUT shadows)
 *   offline: (phi - mu_out) / s_out, the one-sided test against OUT only (monotone in its p-value)
 * Higher score = more likely a member. What it measures: per-example membership evidence; report
 * the ROC, AUC and above all TPR at low FPR (0.1 %, 1 %). Ideal for a model that never saw (or
 * fully unlearned) the examples: AUC 0.5 and TPR@FPR close to the FPR itself.
 * Not included: query augmentations (mirror/shift queries) of the paper.
 */
export interface LiraShadows {
  /** phi[s][i]: shadow s's logit-confidence on population example i. */
  phi: Float64Array[];
  /** inMask[s][i] = 1 when shadow s trained on example i. */
  inMask: Uint8Array[];
  populationSize: number;
  /** Wall-clock seconds spent training and scoring the shadows. */
  seconds: number;
}

export interface LiraShadowOptions {
  /** Number of shadow models; even, >= 2 (each example is IN for exactly half of them). */
  numShadows: number;
  seed?: number | string;
  onShadow?: (index: number, seconds: number) => void;
}

/**
 * Which population examples each of numShadows shadows trains on (every example IN for exactly half
 * of them, as in the LiRA code) and each shadow's training seed: the draws of trainLiraShadows, so
 * that shadows trained apart (one per sweep cell, lib/sweep) are the very shadows it trains.
 */
export function liraShadowPlan(populationSize: number, numShadows: number, seed: number | string = 0): { inMask: Uint8Array[]; seeds: number[] } {
  const S = numShadows;
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0) throw new Error(`trainLiraShadows: numShadows must be an even integer >= 2, got ${S}.`);
  const n = populationSize;
  const rng = new Rng(seed);
  const inMask = Array.from({ length: S }, () => new Uint8Array(n));
  const maskRng = rng.fork('mask');
  for (let i = 0; i < n; i++) for (const s of maskRng.permutation(S).subarray(0, S / 2)) inMask[s][i] = 1;
  return { inMask, seeds: Array.from({ length: S }, (_, s) => rng.fork(`shadow${s}`).uint32()) };
}

/** Trains one shadow on the examples its mask marks IN and returns its phi on the whole population (the model is freed). */
export async function liraShadowPhi(population: Dataset, trainShadow: ShadowTrainer, inMask: Uint8Array, seed: number): Promise<Float64Array> {
  const idx = Array.from({ length: size(population) }, (_, i) => i).filter((i) => inMask[i] === 1);
  const model = await trainShadow(subsetByIndex(population, idx), seed);
  try {
    return confidenceOf(await predict(model, population));
  } finally {
    model.dispose();
  }
}

/** Trains numShadows shadow models, each on a random half of the population, and records phi on every example. */
export async function trainLiraShadows(population: Dataset, trainShadow: ShadowTrainer, opts: LiraShadowOptions): Promise<LiraShadows> {
  const S = opts.numShadows;
  const n = size(population);
  if (n < 2) throw new Error(`trainLiraShadows: the population ${population.name}/${population.split} has ${n} samples; need at least 2.`);
  const { inMask, seeds } = liraShadowPlan(n, S, opts.seed ?? 0);
  const phi: Float64Array[] = [];
  const t0 = Date.now();
  for (let s = 0; s < S; s++) {
    const ts = Date.now();
    phi.push(await liraShadowPhi(population, trainShadow, inMask[s], seeds[s]));
    opts.onShadow?.(s, (Date.now() - ts) / 1000);
  }
  return { phi, inMask, populationSize: n, seconds: (Date.now() - t0) / 1000 };
}

export interface LiraScoreOptions {
  variant: 'online' | 'offline';
  /**
   * One variance per side shared by all examples (pooled residuals around each example's mean), as
   * Carlini et al. advise for few shadows (< 64). Default: true when fewer than 64 shadows.
   */
  globalVariance?: boolean;
}

function logNormal(x: number, mu: number, sd: number): number {
  return -0.5 * ((x - mu) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI);
}

/** LiRA score per population example for the target's phi (aligned with the population). */
export function liraScores(shadows: LiraShadows, targetPhi: ArrayLike<number>, opts: LiraScoreOptions): Float64Array {
  const n = shadows.populationSize;
  if (targetPhi.length !== n) throw new Error(`liraScores: targetPhi has ${targetPhi.length} values but the shadows cover ${n} population examples; compute phi on the same population, in order.`);
  checkFinite('liraScores', 'targetPhi', targetPhi);
  const S = shadows.phi.length;
  const globalVar = opts.globalVariance ?? S < 64;
  const muIn = new Float64Array(n);
  const muOut = new Float64Array(n);
  const sdIn = new Float64Array(n);
  const sdOut = new Float64Array(n);
  let ssIn = 0;
  let ssOut = 0;
  let dfIn = 0;
  let dfOut = 0;
  for (let i = 0; i < n; i++) {
    const ins: number[] = [];
    const outs: number[] = [];
    for (let s = 0; s < S; s++) (shadows.inMask[s][i] ? ins : outs).push(shadows.phi[s][i]);
    if (outs.length === 0 || (opts.variant === 'online' && ins.length === 0)) {
      throw new Error(`liraScores: population example ${i} has ${ins.length} IN and ${outs.length} OUT shadows; the ${opts.variant} attack needs ${opts.variant === 'online' ? 'both' : 'OUT shadows'}. Train more shadows.`);
    }
    const stats = (xs: number[]): [number, number, number] => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const ss = xs.reduce((a, b) => a + (b - m) ** 2, 0);
      return [m, ss, xs.length - 1];
    };
    const [mi, si, di] = ins.length ? stats(ins) : [0, 0, 0];
    const [mo, so, dO] = stats(outs);
    muIn[i] = mi;
    muOut[i] = mo;
    sdIn[i] = di > 0 ? Math.sqrt(si / di) : 0;
    sdOut[i] = dO > 0 ? Math.sqrt(so / dO) : 0;
    ssIn += si;
    ssOut += so;
    dfIn += Math.max(0, di);
    dfOut += Math.max(0, dO);
  }
  const floor = 1e-6;
  const gIn = Math.sqrt(ssIn / Math.max(1, dfIn));
  const gOut = Math.sqrt(ssOut / Math.max(1, dfOut));
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const so = Math.max(floor, globalVar ? gOut : sdOut[i]);
    if (opts.variant === 'offline') {
      scores[i] = (targetPhi[i] - muOut[i]) / so;
    } else {
      const si = Math.max(floor, globalVar ? gIn : sdIn[i]);
      scores[i] = logNormal(targetPhi[i], muIn[i], si) - logNormal(targetPhi[i], muOut[i], so);
    }
  }
  return scores;
}

export interface LiraResult {
  scores: Float64Array;
  roc: RocResult;
  auc: number;
  tprAt0_1pctFpr: number;
  tprAt1pctFpr: number;
}

/**
 * Runs LiRA against a target model whose true membership on the population is known
 * (isMember[i] = 1 if the target trained on population example i): scores, ROC, AUC, TPR@FPR.
 */
export async function liraAttack(shadows: LiraShadows, target: Classifier, population: Dataset, isMember: ArrayLike<number>, opts: LiraScoreOptions): Promise<LiraResult> {
  if (isMember.length !== size(population)) throw new Error(`liraAttack: isMember has ${isMember.length} entries but the population has ${size(population)} samples.`);
  const scores = liraScores(shadows, confidenceOf(await predict(target, population)), opts);
  const roc = rocCurve(scores, isMember);
  return { scores, roc, auc: roc.auc, tprAt0_1pctFpr: tprAtFpr(roc, 0.001), tprAt1pctFpr: tprAtFpr(roc, 0.01) };
}

/**
 * Rényi-DP accountant for the sampled Gaussian mechanism (DP-SGD / DP-Adam with Poisson sampling).
 *
 * The RDP of one step at order alpha is log(A_alpha) / (alpha - 1) (Mironov, Talwar, Zhang 2019, "Rényi
 * Differential Privacy of the Sampled Gaussian Mechanism", arXiv:1908.10530, Sec. 3), computed as TensorFlow
 * Privacy's rdp_accountant / Google's dp_accounting RdpAccountant / Opacus's analysis/rdp.py do:
 *  - integer alpha: the binomial expansion A = sum_i C(alpha, i) q^i (1-q)^(alpha-i) exp((i^2 - i) / (2 sigma^2)),
 *    summed in log space;
 *  - fractional alpha: their two-sided series in log space (terms with erfc around z0 = sigma^2 log(1/q - 1) + 1/2),
 *    summed until both new terms fall below e^-30.
 * Composition over T identical steps multiplies the RDP by T. The conversion to (epsilon, delta) is, by default,
 * the improved one that dp_accounting and Opacus use now (Balle et al. 2020, "Hypothesis testing interpretations
 * and Rényi DP", Prop. 12; also Asoodeh et al. 2021):
 *     eps = rdp + log1p(-1/alpha) - log(delta * alpha) / (alpha - 1)   (alpha > 1.01; eps = 0 when delta^2 > 1 - exp(-rdp)),
 * minimised over the orders. `conversion: 'classic'` gives Mironov 2017's eps = rdp - log(delta) / (alpha - 1),
 * which TF Privacy used before it moved to dp_accounting (test/privacy/rdp-accountant.test.ts checks both against
 * TF Privacy's published numbers).
 */

/** TF Privacy's compute_dp_sgd_privacy orders: 1.25 .. 4.5, the integers 5 .. 63, then 128, 256, 512. */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5,
  ...Array.from({ length: 59 }, (_, i) => i + 5),
  128, 256, 512,
]);

export type RdpConversion = 'improved' | 'classic';

export interface EpsilonQuery {
  /** Poisson sampling rate q: the probability that one example is in a step's batch, in (0, 1]. */
  samplingRate: number;
  /** sigma: the Gaussian noise's standard deviation divided by the clipping norm (> 0). */
  noiseMultiplier: number;
  /** Number of steps composed (an integer >= 1). */
  steps: number;
  /** Target delta, in (0, 1). */
  delta: number;
  /** RDP orders to minimise over (each > 1); default DEFAULT_RDP_ORDERS. */
  orders?: readonly number[];
  /** RDP -> (eps, delta) conversion; default 'improved' (dp_accounting, Opacus). */
  conversion?: RdpConversion;
}

export interface EpsilonResult {
  epsilon: number;
  /** The order at which the minimum was reached. */
  order: number;
}

// ---------------------------------------------------------------------------------------------------------
// Log-space helpers.

/** log(e^a + e^b) without overflow. */
function logAdd(a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (lo === -Infinity) return hi;
  return Math.log1p(Math.exp(lo - hi)) + hi;
}

/** log(e^a - e^b) for a >= b. */
function logSub(a: number, b: number): number {
  if (a < b) throw new Error(`rdp accountant: log-space subtraction of a larger term (${a} < ${b}).`);
  if (b === -Infinity) return a;
  if (a === b) return -Infinity;
  const d = a - b;
  // expm1 overflows past ~709: then log(e^a - e^b) = a to double precision.
  return d > 700 ? a : Math.log(Math.expm1(d)) + b;
}

/**
 * Chebyshev coefficients of erfc on t = 2/(2+z), z >= 0 (Numerical Recipes 3rd ed., Sec. 6.2.2, Erf::erfccheb;
 * the same 28 coefficients jstat's erf uses). erfc(z) = t exp(-z^2 + (c0 + ty d)/2 - dd) to double precision, so
 * its logarithm is available directly, with no underflow for large z.
 */
const ERFC_COF = [
  -1.3026537197817094, 6.419697923564902e-1, 1.9476473204185836e-2, -9.561514786808631e-3, -9.46595344482036e-4,
  3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6, 1.30365583558e-6, 1.5626441722e-8,
  -8.5238095915e-8, 6.529054439e-9, 5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12,
  -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
];

/** log(erfc(z)) for z >= 0. */
function logErfcNonNegative(z: number): number {
  const t = 2 / (2 + z);
  const ty = 4 * t - 2;
  let d = 0;
  let dd = 0;
  for (let j = ERFC_COF.length - 1; j > 0; j--) {
    const tmp = d;
    d = ty * d - dd + ERFC_COF[j];
    dd = tmp;
  }
  return Math.log(t) - z * z + 0.5 * (ERFC_COF[0] + ty * d) - dd;
}

/** log(erfc(x)) for any real x (erfc(x) = 2 - erfc(-x) for x < 0). */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0) return x === Infinity ? -Infinity : logErfcNonNegative(x);
  if (x === -Infinity) return Math.LN2;
  return Math.log(2 - Math.exp(logErfcNonNegative(-x)));
}

// ---------------------------------------------------------------------------------------------------------
// log(A_alpha) of the sampled Gaussian mechanism.

/** Integer alpha: the binomial expansion in log space. */
function logAInt(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  let logA = -Infinity;
  let logBinom = 0; // log C(alpha, 0)
  for (let i = 0; i <= alpha; i++) {
    if (i > 0) logBinom += Math.log(alpha - i + 1) - Math.log(i);
    const s = logBinom + i * logQ + (alpha - i) * log1mQ + (i * i - i) / (2 * sigma * sigma);
    logA = logAdd(logA, s);
  }
  return logA;
}

/** Fractional alpha: TF Privacy's / Opacus's series, until both new terms are below e^-30. */
function logAFrac(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const sqrt2Sigma = Math.SQRT2 * sigma;
  // C(alpha, i) for real alpha: C(alpha, i) = C(alpha, i-1) (alpha - i + 1) / i, kept as log|C| and a sign.
  let logAbsCoef = 0;
  let sign = 1;
  for (let i = 0; ; i++) {
    if (i > 0) {
      const f = (alpha - i + 1) / i;
      logAbsCoef += Math.log(Math.abs(f));
      if (f < 0) sign = -sign;
    }
    const j = alpha - i;
    const logT0 = logAbsCoef + i * logQ + j * log1mQ;
    const logT1 = logAbsCoef + j * logQ + i * log1mQ;
    const logE0 = Math.log(0.5) + logErfc((i - z0) / sqrt2Sigma);
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / sqrt2Sigma);
    const logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
    if (sign > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) break;
    if (i > 1_000_000) {
      throw new Error(`rdp accountant: the series for order ${alpha} (q ${q}, sigma ${sigma}) did not converge; use integer orders.`);
    }
  }
  return logAdd(logA0, logA1);
}

/** RDP of ONE step of the sampled Gaussian mechanism at order alpha (> 1). */
export function rdpOfSampledGaussian(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (q === 1) return alpha / (2 * sigma * sigma);
  if (alpha === Infinity) return Infinity;
  const logA = Number.isInteger(alpha) ? logAInt(q, sigma, alpha) : logAFrac(q, sigma, alpha);
  // A_alpha >= 1, so the RDP is >= 0; with very large sigma the series can round to -1e-14.
  return Math.max(0, logA / (alpha - 1));
}

// ---------------------------------------------------------------------------------------------------------
// Input checks (each names the input and the fix).

function checkRate(q: number): void {
  if (!(typeof q === 'number' && q > 0 && q <= 1)) {
    throw new Error(
      `samplingRate must be in (0, 1] (the chance that one example is in a step's batch: expected batch size / dataset size), got ${q}.`,
    );
  }
}

function checkNoise(sigma: number): void {
  if (!(typeof sigma === 'number' && sigma > 0 && Number.isFinite(sigma))) {
    throw new Error(`noiseMultiplier must be a finite number > 0 (noise std / clipping norm), got ${sigma}. Without noise there is no finite epsilon.`);
  }
}

function checkSteps(steps: number): void {
  if (!(Number.isInteger(steps) && steps >= 1)) {
    throw new Error(`steps must be an integer >= 1 (the number of noisy optimiser steps), got ${steps}.`);
  }
}

function checkDelta(delta: number): void {
  if (!(typeof delta === 'number' && delta > 0 && delta < 1)) {
    throw new Error(`delta must be in (0, 1) (commonly below 1 / dataset size, e.g. 1e-5), got ${delta}.`);
  }
}

function checkOrders(orders: readonly number[]): void {
  if (orders.length === 0) throw new Error('orders must hold at least one RDP order > 1; omit it to use DEFAULT_RDP_ORDERS.');
  const bad = orders.find((a) => !(typeof a === 'number' && a > 1));
  if (bad !== undefined) throw new Error(`every RDP order must be a number > 1, got ${bad}; omit orders to use DEFAULT_RDP_ORDERS.`);
}

// ---------------------------------------------------------------------------------------------------------
// Composition and conversion.

/** RDP after `steps` identical steps, one value per order. */
export function computeRdp(samplingRate: number, noiseMultiplier: number, steps: number, orders: readonly number[] = DEFAULT_RDP_ORDERS): number[] {
  checkRate(samplingRate);
  checkNoise(noiseMultiplier);
  checkSteps(steps);
  checkOrders(orders);
  return orders.map((a) => rdpOfSampledGaussian(samplingRate, noiseMultiplier, a) * steps);
}

/** The smallest epsilon over the orders for the given RDP curve, and the order that gives it. */
export function rdpToEpsilon(orders: readonly number[], rdp: readonly number[], delta: number, conversion: RdpConversion = 'improved'): EpsilonResult {
  checkDelta(delta);
  checkOrders(orders);
  if (orders.length !== rdp.length) throw new Error(`rdpToEpsilon: ${orders.length} orders but ${rdp.length} RDP values; give one RDP value per order.`);
  let best = Infinity;
  let bestOrder = orders[0];
  orders.forEach((a, k) => {
    const r = rdp[k];
    if (!(r >= 0)) throw new Error(`rdpToEpsilon: the RDP at order ${a} must be >= 0, got ${r}.`);
    let eps: number;
    if (conversion === 'classic') {
      eps = r - Math.log(delta) / (a - 1);
    } else if (delta * delta + Math.expm1(-r) > 0) {
      // delta <= sqrt(1 - exp(-KL)): (0, delta)-DP already.
      eps = 0;
    } else if (a > 1.01) {
      eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
    } else {
      // The improved bound is numerically unstable as alpha -> 1 (dp_accounting skips these orders too).
      eps = Infinity;
    }
    // Strict '<': ties keep the first order, as numpy's argmin does.
    if (eps < best) {
      best = eps;
      bestOrder = a;
    }
  });
  return { epsilon: Math.max(0, best), order: bestOrder };
}

/**
 * (epsilon, delta) spent by `steps` steps of the Poisson-sampled Gaussian mechanism (DP-SGD / DP-Adam with
 * per-example clipping and noise multiplier sigma), minimised over the RDP orders.
 */
export function epsilonOf(o: EpsilonQuery): EpsilonResult {
  checkDelta(o.delta);
  const orders = o.orders ?? DEFAULT_RDP_ORDERS;
  return rdpToEpsilon(orders, computeRdp(o.samplingRate, o.noiseMultiplier, o.steps, orders), o.delta, o.conversion ?? 'improved');
}

export interface NoiseQuery {
  samplingRate: number;
  steps: number;
  delta: number;
  /** The epsilon to reach (> 0). */
  targetEpsilon: number;
  orders?: readonly number[];
  conversion?: RdpConversion;
  /** Relative tolerance on the noise multiplier (default 1e-6). */
  tolerance?: number;
}

/**
 * The smallest noise multiplier (to `tolerance`, rounded up) for which epsilonOf(...) <= targetEpsilon, by bisection
 * on log(sigma). epsilon falls as sigma grows, towards a floor > 0 set by the largest order and delta; a target
 * below that floor is unreachable and throws.
 */
export function noiseForEpsilon(o: NoiseQuery): number {
  checkRate(o.samplingRate);
  checkSteps(o.steps);
  checkDelta(o.delta);
  if (!(typeof o.targetEpsilon === 'number' && o.targetEpsilon > 0 && Number.isFinite(o.targetEpsilon))) {
    throw new Error(`targetEpsilon must be a finite number > 0, got ${o.targetEpsilon}.`);
  }
  const tol = o.tolerance ?? 1e-6;
  if (!(tol > 0 && tol < 1)) throw new Error(`tolerance must be in (0, 1), got ${tol}.`);
  const eps = (sigma: number) =>
    epsilonOf({ samplingRate: o.samplingRate, noiseMultiplier: sigma, steps: o.steps, delta: o.delta, orders: o.orders, conversion: o.conversion }).epsilon;
  const MAX_SIGMA = 1e6;
  let hi = 1;
  while (eps(hi) > o.targetEpsilon) {
    hi *= 2;
    if (hi > MAX_SIGMA) {
      const floor = eps(MAX_SIGMA);
      throw new Error(
        `targetEpsilon ${o.targetEpsilon} is unreachable for samplingRate ${o.samplingRate}, ${o.steps} steps and delta ${o.delta}: ` +
          `even noiseMultiplier ${MAX_SIGMA} spends epsilon ${floor.toPrecision(4)} (the floor of these RDP orders). ` +
          'Raise targetEpsilon or delta, or pass larger orders.',
      );
    }
  }
  let lo = hi / 2;
  if (eps(lo) <= o.targetEpsilon) {
    // Walk down until lo misses the target (sigma can be far below 1 for large epsilons).
    while (eps(lo) <= o.targetEpsilon) {
      hi = lo;
      lo /= 2;
      if (lo < 1e-6) return hi;
    }
  }
  // Invariant: eps(lo) > target >= eps(hi).
  while (hi / lo > 1 + tol) {
    const mid = Math.sqrt(lo * hi);
    if (eps(mid) > o.targetEpsilon) lo = mid;
    else hi = mid;
  }
  return hi;
}

import { Rng } from '../engine/rng';

/** A point estimate with its bootstrap percentile interval. */
export interface BootstrapCi {
  /** The statistic on the data as given. */
  estimate: number;
  low: number;
  high: number;
  /** Confidence level of [low, high], e.g. 0.95. */
  level: number;
  resamples: number;
}

export interface BootstrapOptions {
  /** Number of resamples (default 200). */
  resamples?: number;
  /** Seed of the resampling (default 0): the same seed gives the same interval. */
  seed?: number | string;
  /** Default 0.95. */
  level?: number;
}

/**
 * Stratified nonparametric bootstrap: each group (e.g. the forget set and the test set) is resampled
 * with replacement to its own size, independently, and `statistic` is recomputed on the resampled
 * positions; the interval is the (1 - level)/2 and (1 + level)/2 percentiles of the resampled values.
 * `statistic(positions, rng)` gets one position array per group (positions into that group) and a
 * seeded Rng for any randomness of its own (CV folds); positions null = the data as given.
 */
export function bootstrapCi(groupSizes: readonly number[], statistic: (positions: Int32Array[] | null, rng: Rng) => number, opts: BootstrapOptions = {}): BootstrapCi {
  const B = opts.resamples ?? 200;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(B) || B < 2) throw new Error(`bootstrapCi: resamples must be an integer >= 2, got ${B}.`);
  if (!(level > 0 && level < 1)) throw new Error(`bootstrapCi: level must be in (0, 1), got ${level}.`);
  groupSizes.forEach((n, g) => {
    if (!Number.isInteger(n) || n < 1) throw new Error(`bootstrapCi: group ${g} has ${n} samples; every group needs at least one.`);
  });
  const rng = new Rng(opts.seed ?? 0);
  const estimate = statistic(null, rng.fork('estimate'));
  const values = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    const r = rng.fork(`resample${b}`);
    const positions = groupSizes.map((n, g) => {
      const gr = r.fork(`group${g}`);
      return Int32Array.from({ length: n }, () => gr.int(n));
    });
    values[b] = statistic(positions, r.fork('statistic'));
  }
  values.sort();
  return { estimate, low: percentile(values, (1 - level) / 2), high: percentile(values, (1 + level) / 2), level, resamples: B };
}

/** Linear-interpolated percentile q in [0, 1] of sorted values (numpy's default). */
function percentile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** "59.2 [55.1, 63.0]": the estimate and its interval, for tables. */
export function formatBootstrapCi(c: BootstrapCi, digits = 1): string {
  return `${c.estimate.toFixed(digits)} [${c.low.toFixed(digits)}, ${c.high.toFixed(digits)}]`;
}

// Mean over runs (seeds) with a Student-t 95% confidence interval: the papers' "mean ± 95% CI over seeds".

// jstat ships no type declarations; this is the one function used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { studentt } = require('jstat') as { studentt: { inv(p: number, dof: number): number } };

/** Mean over runs (seeds) with the half-width of its 95% Student-t CI; ci is NaN when n === 1. */
export interface MeanCi {
  mean: number;
  /** Half-width: the interval is mean ± ci. NaN when n === 1 (no spread to estimate). */
  ci: number;
  n: number;
}

export function isMeanCi(c: unknown): c is MeanCi {
  return (
    c != null &&
    typeof c === 'object' &&
    typeof (c as MeanCi).mean === 'number' &&
    typeof (c as MeanCi).ci === 'number' &&
    typeof (c as MeanCi).n === 'number'
  );
}

/** Mean and half-width t_{(1+level)/2, n-1} * sd / sqrt(n) (sd with n - 1); ci is NaN for one value. */
export function meanCi(values: ArrayLike<number>, level = 0.95): MeanCi {
  const v = Array.from(values);
  if (v.length === 0) throw new Error('meanCi: no values; pass the metric of at least one run.');
  v.forEach((x, i) => {
    if (!Number.isFinite(x)) throw new Error(`meanCi: value ${i} is ${x}; every run's metric must be finite.`);
  });
  if (!(level > 0 && level < 1)) throw new Error(`meanCi: level must be a number in (0, 1), got ${JSON.stringify(level)}.`);
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean, ci: NaN, n };
  // Runs equal up to rounding (a gap of 98.89 - 88.89 on every seed) differ in the last bits: no spread.
  const equal = v.every((x) => Math.abs(x - v[0]) <= 1e-9 * Math.max(1, Math.abs(v[0])));
  const sd = equal ? 0 : Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { mean, ci: studentt.inv(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n)), n };
}

/**
 * "91.20 ± 0.84"; a single run (no CI) shows "91.20 (n=1)", never "± 0.00"; runs that all gave the same
 * value show "100.00 (n=3, all equal)" (a spread of exactly 0, not a rounded one).
 */
export function formatMeanCi(c: MeanCi, digits = 2): string {
  const mean = c.mean.toFixed(digits);
  if (!Number.isFinite(c.ci)) return `${mean} (n=${c.n})`;
  return c.ci === 0 && c.n > 1 ? `${mean} (n=${c.n}, all equal)` : `${mean} ± ${c.ci.toFixed(digits)}`;
}

/** How a mean over seeds is spread, for titles: 'mean ± 95% CI over 3 seeds', or 'one seed: no interval'. */
export function overSeeds(seeds: number): string {
  return seeds > 1 ? `mean ± 95% CI over ${seeds} seeds` : 'one seed: no interval';
}

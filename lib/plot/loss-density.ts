import { axis, baseLayout, colourFor, logAxis, toGroups, type Figure, type Groups } from './figure';

export interface LossDensityOptions {
  title?: string;
  xTitle?: string;
  /** Evaluation points of each density curve (default 200). */
  points?: number;
  /** Kernel bandwidth; default Silverman's rule per group. */
  bandwidth?: number;
  logY?: boolean;
  /**
   * Where the support starts: the density is 0 below it and the curves start there. Default 0 when
   * every value is >= 0 (losses), else none (for values that can be negative, such as z-scores).
   */
  lowerBound?: number | null;
}

/** Silverman's rule of thumb: 0.9 min(sd, IQR/1.34) n^(-1/5), with a floor for constant data. */
export function silvermanBandwidth(values: number[]): number {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, n - 1));
  const q = (p: number) => sorted[Math.min(n - 1, Math.floor(p * (n - 1)))];
  const iqr = q(0.75) - q(0.25);
  const spread = Math.min(sd, iqr > 0 ? iqr / 1.34 : sd);
  const h = 0.9 * spread * n ** -0.2;
  return h > 0 ? h : Math.max(1e-3, Math.abs(mean) * 1e-3);
}

/**
 * Gaussian kernel density estimate of `values` at the points `xs`. With `reflectAt` = b (every value
 * >= b), each kernel's mass below b is reflected back above it (Silverman 1986, Sec. 2.10): the
 * estimate is 0 below b and still integrates to 1 over [b, inf). Reflection rather than truncating and
 * renormalising: it keeps every sample's full weight where the sample is, and it does not halve the
 * density at b, where a memorising model's losses pile up (near 0).
 */
export function gaussianKde(values: number[], xs: number[], bandwidth: number, reflectAt?: number): number[] {
  const norm = 1 / (values.length * bandwidth * Math.sqrt(2 * Math.PI));
  const k = (d: number) => Math.exp(-0.5 * (d / bandwidth) ** 2);
  return xs.map((x) => {
    if (reflectAt != null && x < reflectAt) return 0;
    let s = 0;
    for (const v of values) s += k(x - v) + (reflectAt != null ? k(x + v - 2 * reflectAt) : 0);
    return s * norm;
  });
}

/** Curves below this fraction of the highest peak are left under a log axis's range, so far tails do not stretch it over dozens of decades. */
const LOG_FLOOR = 1e-4;

/** Smooth density curves (Gaussian KDE) of per-sample losses, one per group, on a shared grid that starts at the lower bound. */
export function lossDensity(groups: Groups, opts: LossDensityOptions = {}): Figure {
  const list = toGroups(groups, 'lossDensity');
  const points = opts.points ?? 200;
  if (!Number.isInteger(points) || points < 2) throw new Error(`lossDensity: points must be an integer >= 2, got ${points}.`);
  if (opts.bandwidth != null && !(opts.bandwidth > 0)) throw new Error(`lossDensity: bandwidth must be > 0, got ${opts.bandwidth}.`);
  const arrays = list.map((g) => Array.from(g.values));
  const min = Math.min(...arrays.map((a) => Math.min(...a)));
  const bound = opts.lowerBound === undefined ? (min >= 0 ? 0 : null) : opts.lowerBound;
  if (bound != null && min < bound) throw new Error(`lossDensity: lowerBound is ${bound} but a value is ${min}; pass lowerBound: null for values that can be below it.`);
  const hs = arrays.map((a) => opts.bandwidth ?? silvermanBandwidth(a));
  const lo = Math.max(bound ?? -Infinity, Math.min(...arrays.map((a, i) => Math.min(...a) - 3 * hs[i])));
  const hi = Math.max(...arrays.map((a, i) => Math.max(...a) + 3 * hs[i]));
  const xs = Array.from({ length: points }, (_, k) => lo + ((hi - lo) * k) / (points - 1));
  const ys = arrays.map((a, i) => gaussianKde(a, xs, hs[i], bound ?? undefined));
  const peak = Math.max(...ys.flat());
  return {
    data: list.map((g, i) => ({
      type: 'scatter',
      mode: 'lines',
      name: `${g.name} (n=${g.values.length})`,
      x: xs,
      y: ys[i],
      fill: 'tozeroy',
      line: { color: colourFor(g.name, i), width: 2 },
    })),
    layout: baseLayout(opts.title ?? 'Loss density', {
      xaxis: axis(opts.xTitle ?? 'per-sample loss', { range: [lo, hi] }),
      yaxis: axis('density', opts.logY ? logAxis(ys.flat().filter((y) => y >= peak * LOG_FLOOR)) : {}),
    }),
  };
}

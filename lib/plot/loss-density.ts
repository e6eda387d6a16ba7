import { axis, baseLayout, colourFor, toGroups, type Figure, type Groups } from './figure';

export interface LossDensityOptions {
  title?: string;
  xTitle?: string;
  /** Evaluation points of each density curve (default 200). */
  points?: number;
  /** Kernel bandwidth; default Silverman's rule per group. */
  bandwidth?: number;
  logY?: boolean;
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

/** Gaussian kernel density estimate of `values` at the points `xs`. */
export function gaussianKde(values: number[], xs: number[], bandwidth: number): number[] {
  const norm = 1 / (values.length * bandwidth * Math.sqrt(2 * Math.PI));
  return xs.map((x) => {
    let s = 0;
    for (const v of values) s += Math.exp(-0.5 * ((x - v) / bandwidth) ** 2);
    return s * norm;
  });
}

/** Smooth density curves (Gaussian KDE) of per-sample losses, one per group, on a shared grid. */
export function lossDensity(groups: Groups, opts: LossDensityOptions = {}): Figure {
  const list = toGroups(groups, 'lossDensity');
  const points = opts.points ?? 200;
  if (!Number.isInteger(points) || points < 2) throw new Error(`lossDensity: points must be an integer >= 2, got ${points}.`);
  if (opts.bandwidth != null && !(opts.bandwidth > 0)) throw new Error(`lossDensity: bandwidth must be > 0, got ${opts.bandwidth}.`);
  const arrays = list.map((g) => Array.from(g.values));
  const hs = arrays.map((a) => opts.bandwidth ?? silvermanBandwidth(a));
  const lo = Math.min(...arrays.map((a, i) => Math.min(...a) - 3 * hs[i]));
  const hi = Math.max(...arrays.map((a, i) => Math.max(...a) + 3 * hs[i]));
  const xs = Array.from({ length: points }, (_, k) => lo + ((hi - lo) * k) / (points - 1));
  return {
    data: list.map((g, i) => ({
      type: 'scatter',
      mode: 'lines',
      name: `${g.name} (n=${g.values.length})`,
      x: xs,
      y: gaussianKde(arrays[i], xs, hs[i]),
      fill: 'tozeroy',
      line: { color: colourFor(g.name, i), width: 2 },
    })),
    layout: baseLayout(opts.title ?? 'Loss density', {
      xaxis: axis(opts.xTitle ?? 'per-sample loss'),
      yaxis: axis('density', opts.logY ? { type: 'log' } : {}),
    }),
  };
}

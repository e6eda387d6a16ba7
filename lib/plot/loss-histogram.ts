import { axis, baseLayout, colourFor, logAxis, toGroups, type Figure, type Groups } from './figure';

export interface LossHistogramOptions {
  title?: string;
  xTitle?: string;
  /** Number of bins shared by all groups (default 50). */
  bins?: number;
  /** Log-scaled count axis, to see the tails (default false). */
  logY?: boolean;
  /** Normalise each group to a probability density, so groups of different sizes compare (default true). */
  density?: boolean;
}

/** Bins shared by every group, over the pooled range [start, max]; `end` is nudged past the maximum so it falls in the last bin. */
export interface SharedBins {
  start: number;
  max: number;
  end: number;
  size: number;
  count: number;
}

export function sharedBins(groups: ArrayLike<number>[], bins: number, what: string): SharedBins {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`${what}: bins must be a positive integer, got ${bins}.`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const g of groups) {
    for (const v of Array.from(g)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const size = hi > lo ? (hi - lo) / bins : 1;
  return { start: lo, max: hi, end: hi + size * 1e-6, size, count: hi > lo ? bins : 1 };
}

/** The bar heights plotly draws for `values` in `bins` (counts, or 'probability density'), so a log axis can be fitted to them. */
export function binHeights(values: ArrayLike<number>, bins: SharedBins, density: boolean): number[] {
  const heights = new Array<number>(bins.count).fill(0);
  for (const v of Array.from(values)) heights[Math.min(bins.count - 1, Math.floor((v - bins.start) / bins.size))]++;
  return density ? heights.map((c) => c / (values.length * bins.size)) : heights;
}

/**
 * Overlaid histograms of per-sample losses, one per group (forget vs test vs retain). All groups share
 * one set of bins over the pooled range, so bars line up.
 */
export function lossHistogram(groups: Groups, opts: LossHistogramOptions = {}): Figure {
  const list = toGroups(groups, 'lossHistogram');
  const bins = sharedBins(
    list.map((g) => g.values),
    opts.bins ?? 50,
    'lossHistogram',
  );
  const density = opts.density ?? true;
  const yTitle = density ? 'density' : 'count';
  return {
    data: list.map((g, i) => ({
      type: 'histogram',
      name: `${g.name} (n=${g.values.length})`,
      x: Array.from(g.values),
      xbins: { start: bins.start, end: bins.end, size: bins.size },
      histnorm: density ? 'probability density' : '',
      opacity: 0.55,
      marker: { color: colourFor(g.name, i) },
    })),
    layout: baseLayout(opts.title ?? 'Loss distribution', {
      barmode: 'overlay',
      xaxis: axis(opts.xTitle ?? 'per-sample loss'),
      yaxis: axis(yTitle, opts.logY ? logAxis(list.flatMap((g) => binHeights(g.values, bins, density))) : {}),
    }),
  };
}

import { axis, baseLayout, colourFor, toGroups, type Figure, type Groups } from './figure';

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

/**
 * Overlaid histograms of per-sample losses, one per group (forget vs test vs retain). All groups share
 * one set of bins over the pooled range, so bars line up.
 */
export function lossHistogram(groups: Groups, opts: LossHistogramOptions = {}): Figure {
  const list = toGroups(groups, 'lossHistogram');
  const bins = opts.bins ?? 50;
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`lossHistogram: bins must be a positive integer, got ${bins}.`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const g of list) {
    for (const v of Array.from(g.values)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const size = hi > lo ? (hi - lo) / bins : 1;
  const density = opts.density ?? true;
  return {
    data: list.map((g, i) => ({
      type: 'histogram',
      name: `${g.name} (n=${g.values.length})`,
      x: Array.from(g.values),
      xbins: { start: lo, end: hi + size * 1e-6, size },
      histnorm: density ? 'probability density' : '',
      opacity: 0.55,
      marker: { color: colourFor(g.name, i) },
    })),
    layout: baseLayout(opts.title ?? 'Loss distribution', {
      barmode: 'overlay',
      xaxis: axis(opts.xTitle ?? 'per-sample loss'),
      yaxis: axis(density ? 'density' : 'count', opts.logY ? { type: 'log' } : {}),
    }),
  };
}

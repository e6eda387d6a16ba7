import { axis, baseLayout, colourFor, toGroups, type Figure, type Groups, type Trace } from './figure';

/** One panel: its title and the groups overlaid in it (e.g. { forget, test }). */
export interface HistogramPanel {
  title: string;
  groups: Groups;
}

export interface LossHistogramPanelsOptions {
  title?: string;
  xTitle?: string;
  /** Bins shared by every panel and group (default 40). */
  bins?: number;
  /** Normalise each group to a density (default true), so sets of different sizes compare. */
  density?: boolean;
  logY?: boolean;
}

/**
 * Side-by-side overlaid histograms, one panel per model (the NeurIPS'23 unlearning starting kit's
 * "original | unlearned | retrained" loss figure). Every panel uses the same bins over the pooled
 * range and the same x range, so shifts between panels are real; a group keeps its colour and one
 * legend entry across panels.
 */
export function lossHistogramPanels(panels: HistogramPanel[], opts: LossHistogramPanelsOptions = {}): Figure {
  if (panels.length === 0) throw new Error('lossHistogramPanels: no panels given; pass [{ title, groups: { forget, test } }, ...].');
  const lists = panels.map((p, i) => toGroups(p.groups, `lossHistogramPanels panel ${i} ('${p.title}')`));
  const bins = opts.bins ?? 40;
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`lossHistogramPanels: bins must be a positive integer, got ${bins}.`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const list of lists) for (const g of list) for (const v of Array.from(g.values)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const size = hi > lo ? (hi - lo) / bins : 1;
  const density = opts.density ?? true;
  const n = panels.length;
  const gap = 0.04;
  const width = (1 - gap * (n - 1)) / n;
  const names = [...new Set(lists.flatMap((l) => l.map((g) => g.name)))];
  const data: Trace[] = [];
  const layoutAxes: Record<string, unknown> = {};
  lists.forEach((list, p) => {
    const suffix = p === 0 ? '' : String(p + 1);
    for (const g of list) {
      data.push({
        type: 'histogram',
        name: g.name,
        legendgroup: g.name,
        showlegend: p === 0,
        x: Array.from(g.values),
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        xbins: { start: lo, end: hi + size * 1e-6, size },
        histnorm: density ? 'probability density' : '',
        opacity: 0.55,
        marker: { color: colourFor(g.name, names.indexOf(g.name)) },
      });
    }
    const x0 = p * (width + gap);
    layoutAxes[`xaxis${suffix}`] = axis(opts.xTitle ?? 'per-sample loss', { domain: [x0, x0 + width], range: [lo, hi], anchor: `y${suffix}` });
    layoutAxes[`yaxis${suffix}`] = axis(p === 0 ? (density ? 'density' : 'count') : '', { anchor: `x${suffix}`, ...(opts.logY ? { type: 'log' } : {}) });
  });
  const annotations = panels.map((p, i) => ({
    text: p.title,
    showarrow: false,
    xref: 'paper',
    yref: 'paper',
    x: i * (width + gap) + width / 2,
    y: 1.0,
    xanchor: 'center',
    yanchor: 'bottom',
    font: { size: 13 },
  }));
  return {
    data,
    layout: baseLayout(opts.title ?? 'Loss distributions', { barmode: 'overlay', width: Math.max(800, 330 * n), height: 400, margin: { t: 80, b: 90 }, legend: { orientation: 'h', y: -0.3 }, annotations, ...layoutAxes }),
  };
}

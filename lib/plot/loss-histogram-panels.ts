import { axis, baseLayout, colourFor, logAxis, toGroups, type Figure, type Groups, type Trace } from './figure';
import { binHeights, sharedBins } from './loss-histogram';

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
  const bins = sharedBins(
    lists.flatMap((l) => l.map((g) => g.values)),
    opts.bins ?? 40,
    'lossHistogramPanels',
  );
  const density = opts.density ?? true;
  // One log range for every panel, so heights compare across them.
  const yLog = opts.logY ? logAxis(lists.flatMap((l) => l.flatMap((g) => binHeights(g.values, bins, density)))) : {};
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
        xbins: { start: bins.start, end: bins.end, size: bins.size },
        histnorm: density ? 'probability density' : '',
        opacity: 0.55,
        marker: { color: colourFor(g.name, names.indexOf(g.name)) },
      });
    }
    const x0 = p * (width + gap);
    layoutAxes[`xaxis${suffix}`] = axis(opts.xTitle ?? 'per-sample loss', { domain: [x0, x0 + width], range: [bins.start, bins.max], anchor: `y${suffix}` });
    layoutAxes[`yaxis${suffix}`] = axis(p === 0 ? (density ? 'density' : 'count') : '', { anchor: `x${suffix}`, ...yLog });
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

import { cellCi, cellValue, columnIndex, formatCell, validateTable, type Table } from '../results/table';
import { axis, baseLayout, boundedErrorY, PALETTE, type Figure, type Trace } from './figure';
import { metricColumns } from './metric-bars';

/** A dashed vertical line across one panel of a dot plot (e.g. Retrain's value, or the ideal MIA of 50). */
export interface DotPlotReference {
  name: string;
  x: number;
  /** Default: dark grey for the first reference name, lighter greys after it (the same name keeps its colour in every panel). */
  colour?: string;
}

export interface DotPlotOptions {
  title?: string;
  /** The column naming each row (default: the first column). Labels must be unique: one dot per row and metric. */
  labelColumn?: string;
  /** Which metric columns to draw, one panel each (default: every column with a numeric or {mean, ci} cell). */
  metrics?: string[];
  /** x-axis title of each metric's panel (default: the column name). */
  metricTitles?: Record<string, string>;
  /** Dashed vertical lines per metric, e.g. { mia: [{ name: 'Retrain', x: 48.1 }, { name: 'ideal MIA 50', x: 50 }] }. */
  references?: Record<string, DotPlotReference[]>;
  /** Dot colours by row label (e.g. Original and Retrain in greys); the other rows take their panel's colour. */
  rowColours?: Record<string, string>;
  /** Per metric, the values it can take (e.g. accuracies [0, 100]): CI bars are cut there, as the axis is. */
  bounds?: Record<string, readonly [number, number]>;
  /** Width of one panel in pixels (default 220). */
  panelWidth?: number;
}

const REFERENCE_COLOURS = ['#222222', '#888888', '#bbbbbb'];
/** Pixels per row, and an estimate of the tick-label width per character at 12 px Arial. */
const ROW_PX = 24;
const LABEL_CHAR_PX = 7;

/** A panel's CI bars: symmetric, or cut at the metric's bounds (an accuracy's CI does not reach past 100). */
function errorArrays(rows: readonly { mean: number; ci: number }[], bounds: readonly [number, number] | undefined): Record<string, unknown> {
  const ci = rows.map((p) => p.ci);
  return bounds == null ? { array: ci } : boundedErrorY(rows.map((p) => p.mean), ci, bounds);
}

/** The x range of a panel: the data with its CI bars and the references, padded; never forced to include 0. */
function fittedRange(lo: number, hi: number): [number, number] {
  let span = hi - lo;
  if (!(span > 0)) span = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 1;
  const pad = 0.08 * span;
  return [lo - pad, hi + pad];
}

/**
 * Dot plot of a metric table: one row per label (method), one panel per metric side by side (small
 * multiples, sharing the rows), a dot at each mean with a horizontal 95% CI error bar, and dashed vertical
 * reference lines. Each panel's axis is fitted to its data and references, not drawn from 0, so
 * differences of a few points show. Rows without a value for a metric have no dot in that panel.
 */
export function dotPlot(table: Table, opts: DotPlotOptions = {}): Figure {
  const t = validateTable(table, 'dotPlot');
  if (t.rows.length === 0) throw new Error('dotPlot: the table has no rows; pass one row per method.');
  const li = opts.labelColumn != null ? columnIndex(t, opts.labelColumn, 'dotPlot') : 0;
  const labels = t.rows.map((r) => formatCell(r[li]));
  labels.forEach((l, i) => {
    const first = labels.indexOf(l);
    if (first !== i) throw new Error(`dotPlot: rows ${first} and ${i} share the label '${l}', so their dots would overlap. Pass a labelColumn whose values are unique.`);
  });
  const cols = metricColumns(t, li, opts.metrics, 'dotPlot');
  for (const m of Object.keys(opts.references ?? {})) columnIndex(t, m, 'dotPlot references');
  const n = labels.length;
  const panels = cols.length;
  const gap = panels > 1 ? 0.06 : 0;
  const panelFraction = (1 - gap * (panels - 1)) / panels;
  const refNames: string[] = [];
  const data: Trace[] = [];
  const axes: Record<string, unknown> = {};
  cols.forEach((j, k) => {
    const metric = t.columns[j];
    const xName = k === 0 ? 'x' : `x${k + 1}`;
    const rows = t.rows.map((r, i) => ({ i, mean: cellValue(r[j]), ci: cellCi(r[j]) ?? 0 })).filter((p): p is { i: number; mean: number; ci: number } => p.mean != null && Number.isFinite(p.mean));
    const refs = opts.references?.[metric] ?? [];
    const bounds = opts.bounds?.[metric];
    for (const ref of refs) {
      if (!Number.isFinite(ref.x)) throw new Error(`dotPlot: reference '${ref.name}' of '${metric}' has x ${ref.x}; pass a finite number.`);
    }
    const colour = PALETTE[k % PALETTE.length];
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: opts.metricTitles?.[metric] ?? metric,
      x: rows.map((p) => p.mean),
      y: rows.map((p) => p.i),
      text: rows.map((p) => labels[p.i]),
      xaxis: xName,
      yaxis: 'y',
      error_x: rows.some((p) => p.ci > 0) ? { type: 'data', ...errorArrays(rows, bounds), visible: true, thickness: 1.5, width: 5, color: '#555555' } : { visible: false },
      marker: { size: 9, color: rows.map((p) => opts.rowColours?.[labels[p.i]] ?? colour), line: { width: 1, color: 'white' } },
      hovertemplate: '%{text}: %{x}<extra></extra>',
      showlegend: false,
    });
    for (const ref of refs) {
      const shown = refNames.includes(ref.name);
      if (!shown) refNames.push(ref.name);
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: ref.name,
        legendgroup: ref.name,
        showlegend: !shown,
        x: [ref.x, ref.x],
        y: [-0.5, n - 0.5],
        xaxis: xName,
        yaxis: 'y',
        line: { color: ref.colour ?? REFERENCE_COLOURS[refNames.indexOf(ref.name) % REFERENCE_COLOURS.length], width: 1.5, dash: 'dash' },
        hoverinfo: 'skip',
      });
    }
    const cut = (x: number) => (bounds == null ? x : Math.min(bounds[1], Math.max(bounds[0], x)));
    const xs = [...rows.flatMap((p) => [cut(p.mean - p.ci), cut(p.mean + p.ci)]), ...refs.map((r) => r.x)];
    const range = xs.length > 0 ? fittedRange(Math.min(...xs), Math.max(...xs)) : [0, 1];
    const start = k * (panelFraction + gap);
    axes[k === 0 ? 'xaxis' : `xaxis${k + 1}`] = axis(opts.metricTitles?.[metric] ?? metric, { domain: [start, start + panelFraction], anchor: 'y', range, zeroline: false, automargin: true });
    (axes[k === 0 ? 'xaxis' : `xaxis${k + 1}`] as { title: Record<string, unknown> }).title.standoff = 8;
  });
  const maxLabel = Math.max(...labels.map((l) => l.length));
  const left = Math.min(440, 20 + LABEL_CHAR_PX * maxLabel);
  const plotHeight = Math.max(160, ROW_PX * n);
  const bottom = refNames.length > 0 ? 80 : 60;
  const width = left + 20 + panels * (opts.panelWidth ?? 220);
  return {
    data,
    layout: baseLayout(opts.title ?? t.title, {
      width,
      height: plotHeight + 60 + bottom,
      margin: { l: left, r: 20, t: 60, b: bottom },
      ...axes,
      yaxis: axis('', { tickmode: 'array', tickvals: labels.map((_, i) => i), ticktext: labels, range: [n - 0.5, -0.5], zeroline: false, tickfont: { size: 12 } }),
      // Below the panels' tick labels and axis titles: about 50 px under the plot area.
      legend: { orientation: 'h', x: 0, xanchor: 'left', y: -50 / plotHeight, yanchor: 'top' },
      showlegend: refNames.length > 0,
    }),
  };
}

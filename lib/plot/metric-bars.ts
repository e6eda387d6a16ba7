import { cellCi, cellValue, columnIndex, formatCell, validateTable, type Table } from '../results/table';
import { axis, baseLayout, PALETTE, referenceShapes, type Figure, type HorizontalReference } from './figure';

export interface MetricChartOptions {
  title?: string;
  /** The column naming each row (default: the first column). Labels must be unique unless seriesColumn is given. */
  labelColumn?: string;
  /**
   * metricBars only: a column splitting the rows into series (e.g. 'scenario' for IPC 2 / IPC 10): one
   * bar per series value in each label's group, for exactly one metric.
   */
  seriesColumn?: string;
  /** Which metric columns to draw (default: every column with a numeric or {mean, ci} cell). */
  metrics?: string[];
  yTitle?: string;
  /** Dashed horizontal lines across the plot, with legend entries (e.g. the ideal MIA score of 50). */
  references?: HorizontalReference[];
}

/** The metric columns to draw: named ones, else every column holding a number or {mean, ci}. */
export function metricColumns(t: Table, skip: number, metrics: string[] | undefined, what: string): number[] {
  if (metrics != null) return metrics.map((m) => columnIndex(t, m, what));
  const cols = t.columns.map((_, j) => j).filter((j) => j !== skip && t.rows.some((r) => cellValue(r[j]) != null));
  if (cols.length === 0) throw new Error(`${what}: the table has no numeric columns to draw.`);
  return cols;
}

/** Error bars from the {mean, ci} cells (none for plain numbers). */
export function errorBars(t: Table, j: number): Record<string, unknown> {
  const ci = t.rows.map((r) => cellCi(r[j]) ?? 0);
  return ci.some((c) => c > 0) ? { type: 'data', array: ci, visible: true, thickness: 1.5, width: 4 } : { visible: false };
}

/**
 * Grouped bar chart of a metric table: one group per row label (method), one bar per metric, 95% CI error
 * bars; or, with seriesColumn, one bar per series value for a single metric. Two rows with the same label
 * (and series) are an error: plotly would silently stack them into one bar.
 */
export function metricBars(table: Table, opts: MetricChartOptions = {}): Figure {
  const t = validateTable(table, 'metricBars');
  const li = opts.labelColumn != null ? columnIndex(t, opts.labelColumn, 'metricBars') : 0;
  const si = opts.seriesColumn != null ? columnIndex(t, opts.seriesColumn, 'metricBars') : null;
  const labelOf = (r: Table['rows'][number]) => formatCell(r[li]);
  const seriesOf = (r: Table['rows'][number]) => (si == null ? '' : formatCell(r[si]));
  const seen = new Map<string, number>();
  t.rows.forEach((r, i) => {
    const key = JSON.stringify([labelOf(r), seriesOf(r)]);
    const first = seen.get(key);
    if (first != null) {
      throw new Error(
        `metricBars: rows ${first} and ${i} share the label '${labelOf(r)}'${si == null ? '' : ` and series '${seriesOf(r)}'`}, so their bars would stack. ` +
          `Pass a labelColumn whose values are unique${si == null ? ', or a seriesColumn that tells them apart' : ''}.`,
      );
    }
    seen.set(key, i);
  });
  const cols = metricColumns(t, li, opts.metrics, 'metricBars');
  const refs = opts.references ?? [];
  const layout = baseLayout(opts.title ?? t.title, {
    barmode: 'group',
    xaxis: axis(t.columns[li]),
    yaxis: axis(opts.yTitle ?? 'value'),
    ...(refs.length > 0 ? { shapes: referenceShapes(refs, 'metricBars') } : {}),
  });
  if (si == null) {
    return {
      data: cols.map((j, k) => ({
        type: 'bar',
        name: t.columns[j],
        x: t.rows.map(labelOf),
        y: t.rows.map((r) => cellValue(r[j])),
        error_y: errorBars(t, j),
        marker: { color: PALETTE[k % PALETTE.length] },
      })),
      layout,
    };
  }
  if (cols.length !== 1) throw new Error(`metricBars: with seriesColumn, draw exactly one metric (got ${cols.map((j) => t.columns[j]).join(', ')}); pass metrics: ['<one column>'].`);
  const j = cols[0];
  const series = [...new Set(t.rows.map(seriesOf))];
  return {
    data: series.map((name, k) => {
      const sub: Table = { ...t, rows: t.rows.filter((r) => seriesOf(r) === name) };
      return { type: 'bar', name, x: sub.rows.map(labelOf), y: sub.rows.map((r) => cellValue(r[j])), error_y: errorBars(sub, j), marker: { color: PALETTE[k % PALETTE.length] } };
    }),
    layout,
  };
}

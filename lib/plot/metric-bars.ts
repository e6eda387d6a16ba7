import { cellCi, cellValue, columnIndex, formatCell, validateTable, type Table } from '../results/table';
import { axis, baseLayout, PALETTE, type Figure } from './figure';

export interface MetricChartOptions {
  title?: string;
  /** The column naming each row (default: the first column). */
  labelColumn?: string;
  /** Which metric columns to draw (default: every column with a numeric or {mean, ci} cell). */
  metrics?: string[];
  yTitle?: string;
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

/** Grouped bar chart of a metric table: one group per row (method), one bar per metric, 95% CI error bars. */
export function metricBars(table: Table, opts: MetricChartOptions = {}): Figure {
  const t = validateTable(table, 'metricBars');
  const li = opts.labelColumn != null ? columnIndex(t, opts.labelColumn, 'metricBars') : 0;
  const labels = t.rows.map((r) => formatCell(r[li]));
  const cols = metricColumns(t, li, opts.metrics, 'metricBars');
  return {
    data: cols.map((j, k) => ({
      type: 'bar',
      name: t.columns[j],
      x: labels,
      y: t.rows.map((r) => cellValue(r[j])),
      error_y: errorBars(t, j),
      marker: { color: PALETTE[k % PALETTE.length] },
    })),
    layout: baseLayout(opts.title ?? t.title, { barmode: 'group', xaxis: axis(t.columns[li]), yaxis: axis(opts.yTitle ?? 'value') }),
  };
}

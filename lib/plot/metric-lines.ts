import { cellValue, columnIndex, validateTable, type Table } from '../results/table';
import { axis, baseLayout, boundedErrorY, boundedRange, logAxis, PALETTE, referenceShapes, type Figure } from './figure';
import { errorBars, metricColumns, type MetricChartOptions } from './metric-bars';

export interface MetricLinesOptions extends Omit<MetricChartOptions, 'labelColumn'> {
  /** The column used as x (for example K, IPC or the forget fraction); default the first column. */
  xColumn?: string;
  logX?: boolean;
  /**
   * The metric's natural bounds (e.g. [0, 100] for an accuracy in %): the y axis spans them, and a 95% CI
   * bar is cut at them (a t interval over a few seeds can reach past 100 %, which no run can). A half-open
   * bound such as [0, Infinity] for seconds cuts the bars at 0 and leaves the axis fitted to the data.
   */
  bounds?: readonly [number, number];
}

/** Error bars of column j cut at the bounds. */
function boundedErrorBars(t: Table, j: number, bounds: readonly [number, number]): Record<string, unknown> {
  const bars = errorBars(t, j);
  if (bars.visible === false) return bars;
  return { ...bars, ...boundedErrorY(t.rows.map((r) => cellValue(r[j])), bars.array as number[], bounds) };
}

/** A log x axis for a sweep: labelled at the swept values themselves (up to 8 of them), else as logAxis labels any log axis. */
function sweepLogAxis(xs: number[]): Record<string, unknown> {
  const values = [...new Set(xs.filter((x) => x > 0))].sort((a, b) => a - b);
  return values.length > 0 && values.length <= 8 ? logAxis(values, { tickmode: 'array', tickvals: values, ticktext: values.map(String), minor: { ticks: '' } }) : logAxis(values);
}

/** A linear x axis for a sweep over a few integers (cycles, epochs): ticks at the swept values only, never at 1.5. */
function sweepLinearAxis(xs: number[]): Record<string, unknown> {
  const values = [...new Set(xs)].sort((a, b) => a - b);
  return values.length > 0 && values.length <= 12 && values.every(Number.isInteger) ? { tickmode: 'array', tickvals: values, ticktext: values.map(String) } : {};
}

/** Line chart of a metric table against one of its columns (a sweep), one line per metric, 95% CI error bars. */
export function metricLines(table: Table, opts: MetricLinesOptions = {}): Figure {
  const t = validateTable(table, 'metricLines');
  const xi = opts.xColumn != null ? columnIndex(t, opts.xColumn, 'metricLines') : 0;
  const cols = metricColumns(t, xi, opts.metrics, 'metricLines');
  const xs = t.rows.map((r) => cellValue(r[xi]) ?? r[xi]);
  return {
    data: cols.map((j, k) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: t.columns[j],
      x: xs,
      y: t.rows.map((r) => cellValue(r[j])),
      error_y: opts.bounds ? boundedErrorBars(t, j, opts.bounds) : errorBars(t, j),
      line: { color: PALETTE[k % PALETTE.length], width: 2 },
    })),
    layout: baseLayout(opts.title ?? t.title, {
      xaxis: axis(t.columns[xi], (opts.logX ? sweepLogAxis : sweepLinearAxis)(xs.filter((x): x is number => typeof x === 'number'))),
      yaxis: axis(opts.yTitle ?? 'value', opts.bounds?.every(Number.isFinite) ? { range: boundedRange(opts.bounds) } : {}),
      ...(opts.references != null && opts.references.length > 0 ? { shapes: referenceShapes(opts.references, 'metricLines') } : {}),
    }),
  };
}

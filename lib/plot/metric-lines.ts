import { cellValue, columnIndex, validateTable, type Table } from '../results/table';
import { axis, baseLayout, logAxis, PALETTE, referenceShapes, type Figure } from './figure';
import { errorBars, metricColumns, type MetricChartOptions } from './metric-bars';

export interface MetricLinesOptions extends Omit<MetricChartOptions, 'labelColumn'> {
  /** The column used as x (for example K, IPC or the forget fraction); default the first column. */
  xColumn?: string;
  logX?: boolean;
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
      error_y: errorBars(t, j),
      line: { color: PALETTE[k % PALETTE.length], width: 2 },
    })),
    layout: baseLayout(opts.title ?? t.title, {
      xaxis: axis(t.columns[xi], opts.logX ? logAxis(xs.filter((x): x is number => typeof x === 'number')) : {}),
      yaxis: axis(opts.yTitle ?? 'value'),
      ...(opts.references != null && opts.references.length > 0 ? { shapes: referenceShapes(opts.references, 'metricLines') } : {}),
    }),
  };
}

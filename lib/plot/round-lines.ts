import { axis, baseLayout, colourFor, finiteValues, type Figure } from './figure';

/** One metric followed over unlearning rounds (multi-cycle runs), optionally with 95% CI half-widths. */
export interface RoundSeries {
  name: string;
  values: ArrayLike<number>;
  /** Round numbers; default 1..n. */
  rounds?: ArrayLike<number>;
  ci?: ArrayLike<number>;
}

export interface RoundLinesOptions {
  title?: string;
  yTitle?: string;
  xTitle?: string;
  /** Dashed horizontal lines across the plot (e.g. the ideal MIA of 50, Retrain's value). */
  references?: Array<{ name: string; y: number }>;
  /** x is not a round number (e.g. seconds): no integer ticks. */
  continuousX?: boolean;
}

/** Multi-round line chart: one line per series (method or metric), shaded 95% CI bands when given. */
export function roundLines(series: RoundSeries[], opts: RoundLinesOptions = {}): Figure {
  if (series.length === 0) throw new Error('roundLines: no series given; pass [{name, values}].');
  const data: Record<string, unknown>[] = [];
  series.forEach((s, i) => {
    const y = finiteValues(s.values, `roundLines '${s.name}': values`);
    const x = s.rounds != null ? finiteValues(s.rounds, `roundLines '${s.name}': rounds`) : y.map((_, k) => k + 1);
    if (x.length !== y.length) throw new Error(`roundLines '${s.name}': ${x.length} rounds but ${y.length} values.`);
    const colour = colourFor(s.name, i);
    if (s.ci != null) {
      const ci = finiteValues(s.ci, `roundLines '${s.name}': ci`);
      if (ci.length !== y.length) throw new Error(`roundLines '${s.name}': ${ci.length} CI values but ${y.length} values.`);
      // A closed band: upper edge left to right, lower edge right to left.
      data.push({
        type: 'scatter',
        x: [...x, ...[...x].reverse()],
        y: [...y.map((v, k) => v + ci[k]), ...y.map((v, k) => v - ci[k]).reverse()],
        fill: 'toself',
        fillcolor: colour,
        opacity: 0.15,
        line: { width: 0 },
        hoverinfo: 'skip',
        showlegend: false,
      });
    }
    data.push({ type: 'scatter', mode: 'lines+markers', name: s.name, x, y, line: { color: colour, width: 2 } });
  });
  const xs = data.flatMap((d) => d.x as number[]);
  (opts.references ?? []).forEach((r, i) => {
    if (!Number.isFinite(r.y)) throw new Error(`roundLines: reference '${r.name}' has y ${r.y}; pass a finite number.`);
    data.push({ type: 'scatter', mode: 'lines', name: r.name, x: [Math.min(...xs), Math.max(...xs)], y: [r.y, r.y], line: { color: ['#444444', '#999999', '#bbbbbb'][i % 3], width: 1.5, dash: 'dash' } });
  });
  return {
    data,
    layout: baseLayout(opts.title ?? 'Metrics over rounds', { xaxis: axis(opts.xTitle ?? 'round', opts.continuousX ? {} : { dtick: 1 }), yaxis: axis(opts.yTitle ?? 'value') }),
  };
}

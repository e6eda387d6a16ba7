import { axis, baseLayout, boundedErrorY, colourFor, finiteValues, type Figure } from './figure';

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
  /**
   * The metric's natural bounds (e.g. [0, 100] for an accuracy in %): CI bands and bars are cut at them. The
   * y axis still fits the data, so lines near 100 % stay apart.
   */
  bounds?: [number, number];
}

/** Multi-round line chart: one line per series (method or metric), shaded 95% CI bands when given. */
export function roundLines(series: RoundSeries[], opts: RoundLinesOptions = {}): Figure {
  if (series.length === 0) throw new Error('roundLines: no series given; pass [{name, values}].');
  const clamp = (v: number) => (opts.bounds ? Math.min(opts.bounds[1], Math.max(opts.bounds[0], v)) : v);
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
        y: [...y.map((v, k) => clamp(v + ci[k])), ...y.map((v, k) => clamp(v - ci[k])).reverse()],
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

/** One panel of roundLinePanels: its title and its series. */
export interface RoundPanel {
  title: string;
  series: RoundSeries[];
}

/**
 * Small multiples of roundLines: one panel per group of series side by side, with a shared y axis, 95% CIs
 * as error bars (bands of many overlaid lines hide each other), and one legend entry per series name across
 * panels (a name keeps its colour). References are drawn in every panel.
 */
export function roundLinePanels(panels: RoundPanel[], opts: RoundLinesOptions = {}): Figure {
  if (panels.length === 0) throw new Error('roundLinePanels: no panels given; pass [{ title, series }, ...].');
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  const n = panels.length;
  const gap = 0.04;
  const width = (1 - gap * (n - 1)) / n;
  const data: Record<string, unknown>[] = [];
  const layoutAxes: Record<string, unknown> = {};
  const shown = new Set<string>();
  panels.forEach((p, k) => {
    if (p.series.length === 0) throw new Error(`roundLinePanels: panel '${p.title}' has no series.`);
    const suffix = k === 0 ? '' : String(k + 1);
    const xs: number[] = [];
    for (const s of p.series) {
      const y = finiteValues(s.values, `roundLinePanels '${p.title}' '${s.name}': values`);
      const x = s.rounds != null ? finiteValues(s.rounds, `roundLinePanels '${p.title}' '${s.name}': rounds`) : y.map((_, i) => i + 1);
      if (x.length !== y.length) throw new Error(`roundLinePanels '${p.title}' '${s.name}': ${x.length} rounds but ${y.length} values.`);
      const ci = s.ci == null ? null : finiteValues(s.ci, `roundLinePanels '${p.title}' '${s.name}': ci`);
      if (ci != null && ci.length !== y.length) throw new Error(`roundLinePanels '${p.title}' '${s.name}': ${ci.length} CI values but ${y.length} values.`);
      xs.push(...x);
      const colour = colourFor(s.name, names.indexOf(s.name));
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: s.name,
        legendgroup: s.name,
        showlegend: !shown.has(s.name),
        x,
        y,
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        line: { color: colour, width: 2 },
        ...(ci != null ? { error_y: { type: 'data', ...(opts.bounds ? boundedErrorY(y, ci, opts.bounds) : { array: ci }), visible: true, thickness: 1.2, width: 4, color: colour } } : {}),
      });
      shown.add(s.name);
    }
    (opts.references ?? []).forEach((r, i) => {
      if (!Number.isFinite(r.y)) throw new Error(`roundLinePanels: reference '${r.name}' has y ${r.y}; pass a finite number.`);
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: r.name,
        legendgroup: r.name,
        showlegend: k === 0,
        x: [Math.min(...xs), Math.max(...xs)],
        y: [r.y, r.y],
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`,
        // Light and dash-dotted: the panels' series already use near-black and dashed lines.
        line: { color: ['#b5b5b5', '#d0d0d0'][i % 2], width: 2, dash: 'dashdot' },
      });
    });
    const x0 = k * (width + gap);
    layoutAxes[`xaxis${suffix}`] = axis(opts.xTitle ?? 'round', { domain: [x0, x0 + width], anchor: `y${suffix}`, ...(opts.continuousX ? {} : { dtick: 1 }) });
    layoutAxes[`yaxis${suffix}`] = axis(k === 0 ? (opts.yTitle ?? 'value') : '', { anchor: `x${suffix}`, ...(k === 0 ? {} : { matches: 'y', showticklabels: false }) });
  });
  const annotations = panels.map((p, i) => ({ text: p.title, showarrow: false, xref: 'paper', yref: 'paper', x: i * (width + gap) + width / 2, y: 1.0, xanchor: 'center', yanchor: 'bottom', font: { size: 13 } }));
  return {
    data,
    layout: baseLayout(opts.title ?? 'Metrics over rounds', { width: Math.max(800, 330 * n), height: 460, margin: { t: 80, b: 110 }, legend: { orientation: 'h', y: -0.25 }, annotations, ...layoutAxes }),
  };
}

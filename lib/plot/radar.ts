import { baseLayout, colourFor, wrapWords, type Figure, type Trace } from './figure';

export interface RadarSeries {
  name: string;
  /** One value per axis, in the order of `axes`, or keyed by axis name. */
  values: number[] | Record<string, number>;
}

export interface RadarOptions {
  title?: string;
  /** Radial range (default [0, 1] when every value is in it, else [0, max]). */
  range?: [number, number];
  /** The name of a series drawn as a dashed outline in every other panel, to read each one against it (e.g. 'Retrain'). */
  reference?: string;
  /** Panels per row (default: up to 4). */
  cols?: number;
}

/** Pixels of one panel and of the band above it that holds its name. */
const PANEL_PX = 250;
const PANEL_TITLE_PX = 30;
/** Axis names longer than this are wrapped, so they fit beside a small panel. */
const AXIS_LABEL_CHARS = 12;

/**
 * Radar charts comparing methods over several objectives (utility, forgetting, efficiency, ...), as
 * small multiples: one polar panel per method on the same radial range, since more than a few filled
 * polygons on one radar hide each other. An optional reference series is outlined in every panel.
 */
export function radarChart(axes: string[], series: RadarSeries[], opts: RadarOptions = {}): Figure {
  if (axes.length < 3) throw new Error(`radarChart: needs at least 3 axes, got ${axes.length}.`);
  if (series.length === 0) throw new Error('radarChart: no series given; pass [{name, values}].');
  const rows = series.map((s) => {
    const v = Array.isArray(s.values)
      ? s.values
      : axes.map((a) => {
          const x = (s.values as Record<string, number>)[a];
          if (x === undefined) throw new Error(`radarChart '${s.name}': no value for axis '${a}'.`);
          return x;
        });
    if (v.length !== axes.length) throw new Error(`radarChart '${s.name}': ${v.length} values for ${axes.length} axes.`);
    const bad = v.find((x) => !Number.isFinite(x));
    if (bad !== undefined) throw new Error(`radarChart '${s.name}': value ${bad} is not finite.`);
    return v;
  });
  const ref = opts.reference == null ? -1 : series.findIndex((s) => s.name === opts.reference);
  if (opts.reference != null && ref < 0) throw new Error(`radarChart: reference '${opts.reference}' is not a series; pass one of ${series.map((s) => `'${s.name}'`).join(', ')}.`);
  const cols = opts.cols ?? Math.min(4, series.length);
  if (!Number.isInteger(cols) || cols < 1) throw new Error(`radarChart: cols must be a positive integer, got ${cols}.`);
  const gridRows = Math.ceil(series.length / cols);
  const max = Math.max(...rows.flat());
  const min = Math.min(...rows.flat());
  const range = opts.range ?? (min >= 0 && max <= 1 ? [0, 1] : [Math.min(0, min), max]);
  const theta = [...axes, axes[0]].map((a) => wrapWords(a, AXIS_LABEL_CHARS).join('<br>'));
  // Repeat the first point so each polygon closes.
  const closed = (v: number[]) => [...v, v[0]];
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {};
  const annotations: Record<string, unknown>[] = [];
  const cellH = 1 / gridRows;
  series.forEach((s, i) => {
    const subplot = i === 0 ? 'polar' : `polar${i + 1}`;
    const [c, r] = [i % cols, Math.floor(i / cols)];
    // Each panel keeps a margin inside its cell for the axis names; row 0 is the top one.
    const x = [(c + 0.2) / cols, (c + 0.8) / cols];
    const top = 1 - r * cellH;
    const y = [top - cellH + 0.2 * cellH, top - (PANEL_TITLE_PX / (PANEL_PX + PANEL_TITLE_PX)) * cellH - 0.12 * cellH];
    layout[subplot] = {
      domain: { x, y },
      radialaxis: { range, nticks: 3, tickfont: { size: 9 }, angle: 90, tickangle: 90 },
      angularaxis: { tickfont: { size: 10 } },
    };
    annotations.push({ text: `<b>${s.name}</b>`, xref: 'paper', yref: 'paper', x: (c + 0.5) / cols, y: top, yanchor: 'top', showarrow: false, font: { size: 13 } });
    data.push({ type: 'scatterpolar', subplot, name: s.name, r: closed(rows[i]), theta, fill: 'toself', opacity: 0.7, showlegend: false, line: { color: colourFor(s.name, i) } });
    if (ref >= 0 && ref !== i) {
      // One legend entry for the outline, however many panels repeat it.
      const first = !data.some((t) => t.legendgroup === 'reference');
      data.push({ type: 'scatterpolar', subplot, name: series[ref].name, legendgroup: 'reference', showlegend: first, r: closed(rows[ref]), theta, mode: 'lines', line: { color: '#333333', dash: 'dash', width: 1.5 } });
    }
  });
  return {
    data,
    layout: baseLayout(opts.title ?? 'Method comparison', {
      width: cols * PANEL_PX,
      height: gridRows * (PANEL_PX + PANEL_TITLE_PX) + 60,
      margin: { l: 20, r: 20, t: 60, b: ref >= 0 ? 50 : 20 },
      showlegend: ref >= 0,
      legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.02, yanchor: 'top' },
      annotations,
      ...layout,
    }),
  };
}

import { baseLayout, colourFor, type Figure } from './figure';

export interface RadarSeries {
  name: string;
  /** One value per axis, in the order of `axes`, or keyed by axis name. */
  values: number[] | Record<string, number>;
}

export interface RadarOptions {
  title?: string;
  /** Radial range (default [0, 1] when every value is in it, else [0, max]). */
  range?: [number, number];
}

/** Radar chart comparing methods over several objectives (utility, forgetting, efficiency, ...). */
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
  const max = Math.max(...rows.flat());
  const min = Math.min(...rows.flat());
  const range = opts.range ?? (min >= 0 && max <= 1 ? [0, 1] : [Math.min(0, min), max]);
  return {
    // Repeat the first point so each polygon closes.
    data: series.map((s, i) => ({
      type: 'scatterpolar',
      name: s.name,
      r: [...rows[i], rows[i][0]],
      theta: [...axes, axes[0]],
      fill: 'toself',
      opacity: 0.6,
      line: { color: colourFor(s.name, i) },
    })),
    layout: baseLayout(opts.title ?? 'Method comparison', { polar: { radialaxis: { visible: true, range } }, showlegend: true }),
  };
}

/**
 * Plain Plotly figures: JSON objects {data, layout} that Plotly.newPlot, Plotly.toImage, JupyterLab
 * and VS Code all accept. Builders in this folder return them; display.ts and static-image.ts show them.
 */
export type Trace = Record<string, unknown> & { type?: string; name?: string };
export type Layout = Record<string, unknown>;

export interface Figure {
  data: Trace[];
  layout: Layout;
}

/** One named group of numbers (for example the forget-set losses). */
export interface NamedValues {
  name: string;
  values: ArrayLike<number>;
}

/** Groups given as a list or as {name: values}. */
export type Groups = NamedValues[] | Record<string, ArrayLike<number>>;

/** Colours per role, so forget / retain / test look the same in every figure. */
export const ROLE_COLOURS: Record<string, string> = {
  forget: '#d62728',
  retain: '#1f77b4',
  test: '#2ca02c',
  train: '#1f77b4',
  validation: '#9467bd',
};

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** The colour for the i-th series: a role colour when the name is a role, else the palette. */
export function colourFor(name: string, i: number): string {
  return ROLE_COLOURS[name.toLowerCase()] ?? PALETTE[i % PALETTE.length];
}

export function toGroups(groups: Groups, what: string): NamedValues[] {
  const list = Array.isArray(groups) ? groups : Object.entries(groups).map(([name, values]) => ({ name, values }));
  if (list.length === 0) throw new Error(`${what}: no groups given; pass e.g. { forget: lossesF, test: lossesT }.`);
  for (const g of list) finiteValues(g.values, `${what}: group '${g.name}'`);
  return list;
}

/** Copies values into a plain array, rejecting empty input and NaN/Infinity with a message naming it. */
export function finiteValues(values: ArrayLike<number>, what: string, allowEmpty = false): number[] {
  if (values == null || typeof values.length !== 'number') throw new Error(`${what}: expected an array of numbers, got ${String(values)}.`);
  if (values.length === 0 && !allowEmpty) throw new Error(`${what}: is empty; pass at least one value.`);
  const out = Array.from(values);
  const bad = out.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${what}: value ${String(out[bad])} at position ${bad} is not a finite number; drop or fix NaN/Infinity first.`);
  return out;
}

/** Shared layout defaults: white template, legend on top, compact margins. */
export function baseLayout(title: string | undefined, extra: Layout = {}): Layout {
  const lines = title ? wrapTitle(title, typeof extra.width === 'number' ? extra.width : DEFAULT_WIDTH) : [];
  // Each extra title line takes TITLE_LINE_PX from the top margin and, for a fixed-size figure, adds to its height.
  const extraLines = Math.max(0, lines.length - 1);
  const margin = { l: 60, r: 20, t: title ? 50 : 20, b: 50, ...(extra.margin as Record<string, number> | undefined) };
  return {
    template: 'plotly_white',
    paper_bgcolor: 'white',
    plot_bgcolor: 'white',
    font: { family: 'Arial, sans-serif', size: 13 },
    legend: { orientation: 'h', y: -0.18 },
    ...(title ? { title: { text: lines.join('<br>') } } : {}),
    ...extra,
    margin: { ...margin, t: margin.t + TITLE_LINE_PX * extraLines },
    ...(typeof extra.height === 'number' ? { height: extra.height + TITLE_LINE_PX * extraLines } : {}),
  };
}

/** The width static images and notebooks use when a figure sets none. */
const DEFAULT_WIDTH = 800;
/** Plotly's title font (about 18 px Arial) averages about 9 px per character, and a line takes about 26 px with its spacing. */
const TITLE_CHAR_PX = 9;
const TITLE_LINE_PX = 26;

/** A title cut at word boundaries into lines that fit a figure `width` pixels wide (plotly does not wrap titles). */
export function wrapTitle(title: string, width: number): string[] {
  return wrapWords(title, Math.max(16, Math.floor((width - 40) / TITLE_CHAR_PX)));
}

/** Text cut at word boundaries into lines of at most `max` characters (a longer word keeps a line of its own). */
export function wrapWords(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A horizontal reference value drawn as a dashed line (e.g. the ideal MIA score of 50, or Retrain's value). */
export interface HorizontalReference {
  name: string;
  y: number;
}

/**
 * Dashed horizontal lines across the whole plot width, each with a legend entry (layout.shapes), for
 * charts whose x axis is categorical (bars) or numeric alike.
 */
export function referenceShapes(refs: readonly HorizontalReference[], what: string): Record<string, unknown>[] {
  return refs.map((r, i) => {
    if (!Number.isFinite(r.y)) throw new Error(`${what}: reference '${r.name}' has y ${r.y}; pass a finite number.`);
    return { type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: r.y, y1: r.y, layer: 'above', name: r.name, showlegend: true, line: { color: ['#222222', '#888888', '#bbbbbb'][i % 3], width: 1.5, dash: 'dash' } };
  });
}

/**
 * 95% CI error bars cut at a metric's natural bounds (e.g. [0, 100] for an accuracy in %): asymmetric where a
 * bar would cross one, since a t interval over a few seeds can reach past 100 %, which no run can.
 * `ci[i]` is the half-width at `y[i]` (null: no point, no bar).
 */
export function boundedErrorY(y: readonly (number | null)[], ci: readonly number[], [lo, hi]: readonly [number, number]): { symmetric: false; array: number[]; arrayminus: number[] } {
  const cut = (i: number, room: number) => (y[i] == null ? 0 : Math.max(0, Math.min(ci[i], room)));
  return { symmetric: false, array: ci.map((_, i) => cut(i, hi - (y[i] ?? 0))), arrayminus: ci.map((_, i) => cut(i, (y[i] ?? 0) - lo)) };
}

/** An axis range 3% wider than the bounds on each side, so markers at a bound are not cut in half. */
export const boundedRange = ([lo, hi]: readonly [number, number]): [number, number] => [lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo)];

export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text: title }, gridcolor: '#e5e5e5', zeroline: false, ...extra };
}

/**
 * Settings for a log axis fitted to the values drawn on it. Left alone, plotly labels the digits
 * 2..9 of every decade when the range spans only a few decades, and those labels crowd each other.
 * This helper avoids that:
 * - two decades or more: labels at powers of ten only, with the digits between as unlabelled minor ticks;
 * - one to two decades: labels at 1, 2 and 5 times a power of ten, written in full;
 * - under one decade: plotly's own linear ticks, which are written in full already.
 * Zeros and negatives are left out because a log axis cannot draw them.
 */
export function logAxis(values: ArrayLike<number>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const logs = Array.from(values)
    .filter((v) => v > 0 && Number.isFinite(v))
    .map(Math.log10);
  if (logs.length === 0) return { type: 'log', ...extra };
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  const pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
  const range = [lo - pad, hi + pad];
  const span = range[1] - range[0];
  const ticks: Record<string, unknown> = {};
  if (span >= 2) {
    // About eight labels at most; the minor digits only where a label stands at every decade.
    const dtick = Math.ceil(span / 8);
    // Major ticks longer than the minor ones, so the labels stand clear of them.
    Object.assign(ticks, { tick0: 0, dtick, exponentformat: 'power', ticks: 'outside', ticklen: 6, automargin: true, ...(dtick === 1 ? { minor: { dtick: 'D1', ticks: 'outside', ticklen: 3, showgrid: false } } : {}) });
  } else if (span >= 1) {
    const tickvals: number[] = [];
    for (let k = Math.floor(range[0]); k <= Math.ceil(range[1]); k++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** k;
        if (Math.log10(v) >= range[0] && Math.log10(v) <= range[1]) tickvals.push(Number(v.toPrecision(1)));
      }
    }
    Object.assign(ticks, { tickmode: 'array', tickvals, ticktext: tickvals.map(String) });
  }
  return { type: 'log', range, ...ticks, ...extra };
}

/** Short text for a figure (its title), used as text/plain and in file names. */
export function figureTitle(fig: Figure): string {
  const t = fig.layout.title;
  const text = typeof t === 'string' ? t : t != null && typeof t === 'object' && typeof (t as { text?: unknown }).text === 'string' ? (t as { text: string }).text : null;
  // Titles are wrapped with <br> for display (wrapTitle); the short text is one line.
  return text == null ? 'figure' : text.replace(/<br>/g, ' ');
}

/** Checks that an object looks like a Plotly figure before it is sent to a browser. */
export function assertFigure(fig: unknown, what = 'figure'): asserts fig is Figure {
  const f = fig as Partial<Figure> | null;
  if (f == null || typeof f !== 'object' || !Array.isArray(f.data) || f.layout == null || typeof f.layout !== 'object') {
    throw new Error(`${what}: expected a Plotly figure {data: Trace[], layout: {...}} such as the builders in lib/plot return.`);
  }
}

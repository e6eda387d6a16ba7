import { jStat } from '../metrics/jstat';

/** A mean with the half-width of its 95% confidence interval over n runs (seeds). */
export interface MeanCi {
  mean: number;
  ci: number;
  n: number;
}

export type Cell = number | string | MeanCi | null;

/** A plain results table: what experiments produce and what CSV/JSON/HTML/DataFrame views are made from. */
export interface Table {
  columns: string[];
  rows: Cell[][];
  title?: string;
}

export function isMeanCi(c: unknown): c is MeanCi {
  return c != null && typeof c === 'object' && typeof (c as MeanCi).mean === 'number' && typeof (c as MeanCi).ci === 'number';
}

/**
 * Mean and 95% CI half-width over runs: t_{0.975, n-1} * sd / sqrt(n) (Student t, as the papers'
 * "mean +- 95% CI over seeds"); ci = 0 for a single run.
 */
export function meanCi(values: ArrayLike<number>, level = 0.95): MeanCi {
  const v = Array.from(values);
  if (v.length === 0) throw new Error('meanCi: no values; pass the metric of at least one run.');
  const bad = v.find((x) => !Number.isFinite(x));
  if (bad !== undefined) throw new Error(`meanCi: value ${bad} is not finite; a run produced NaN/Infinity.`);
  if (!(level > 0 && level < 1)) throw new Error(`meanCi: level must be in (0, 1), got ${level}.`);
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean, ci: 0, n };
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { mean, ci: jStat.studentt.inv(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n)), n };
}

/** Checks the shape of a table: every row has one cell per column, cells are numbers, strings, {mean, ci, n} or null. */
export function validateTable(t: Table, what = 'table'): Table {
  if (t == null || !Array.isArray(t.columns) || !Array.isArray(t.rows)) {
    throw new Error(`${what}: expected {columns: string[], rows: Cell[][]}.`);
  }
  if (t.columns.length === 0) throw new Error(`${what}: has no columns.`);
  if (new Set(t.columns).size !== t.columns.length) throw new Error(`${what}: column names repeat (${t.columns.join(', ')}); make them unique.`);
  t.rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== t.columns.length) {
      throw new Error(`${what}: row ${i} has ${Array.isArray(r) ? r.length : 'no'} cells but there are ${t.columns.length} columns (${t.columns.join(', ')}).`);
    }
    r.forEach((c, j) => {
      const ok = c === null || typeof c === 'string' || (typeof c === 'number' && !Number.isNaN(c)) || isMeanCi(c);
      if (!ok) throw new Error(`${what}: cell (row ${i}, column '${t.columns[j]}') is ${JSON.stringify(c)}; use a number, a string, {mean, ci, n} or null.`);
    });
  });
  return t;
}

/** Formats a cell: numbers with `digits` decimals, {mean, ci} as "mean ± ci". */
export function formatCell(c: Cell, digits = 2): string {
  if (c === null) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : c.toFixed(digits);
  return `${c.mean.toFixed(digits)} ± ${c.ci.toFixed(digits)}`;
}

/** The numeric value of a cell (mean for {mean, ci}), or null when it has none. */
export function cellValue(c: Cell): number | null {
  if (typeof c === 'number') return c;
  if (isMeanCi(c)) return c.mean;
  return null;
}

export function cellCi(c: Cell): number | null {
  return isMeanCi(c) ? c.ci : null;
}

export function columnIndex(t: Table, name: string, what: string): number {
  const i = t.columns.indexOf(name);
  if (i < 0) throw new Error(`${what}: no column '${name}'; columns are: ${t.columns.join(', ')}.`);
  return i;
}

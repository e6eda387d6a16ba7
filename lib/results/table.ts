// The generic rendering table: what CSV/JSON/HTML/DataFrame views and metric charts are made from.
import { formatMeanCi, isMeanCi, type MeanCi } from './mean-ci';

export type Cell = number | string | MeanCi | null;

export interface Table {
  columns: string[];
  rows: Cell[][];
  title?: string;
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

/** Formats a cell: numbers with `digits` decimals, {mean, ci, n} by formatMeanCi. */
export function formatCell(c: Cell, digits = 2): string {
  if (c === null) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'number') return Number.isInteger(c) ? String(c) : c.toFixed(digits);
  return formatMeanCi(c, digits);
}

/** The numeric value of a cell (mean for {mean, ci, n}), or null when it has none. */
export function cellValue(c: Cell): number | null {
  if (typeof c === 'number') return c;
  if (isMeanCi(c)) return c.mean;
  return null;
}

/** The CI half-width of a cell, or null when it has none (plain numbers, single runs). */
export function cellCi(c: Cell): number | null {
  return isMeanCi(c) && Number.isFinite(c.ci) ? c.ci : null;
}

export function columnIndex(t: Table, name: string, what: string): number {
  const i = t.columns.indexOf(name);
  if (i < 0) throw new Error(`${what}: no column '${name}'; columns are: ${t.columns.join(', ')}.`);
  return i;
}

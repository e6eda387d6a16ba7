import type { DataFrame } from 'danfojs-node';
import { formatCell, isMeanCi, validateTable, type Table } from '../results';

type Danfo = typeof import('danfojs-node');
let danfo: Danfo | null = null;

/** danfojs-node, loaded on first use (it takes about 1 s and most runs never need it). */
export function danfojs(): Danfo {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  danfo ??= require('danfojs-node') as Danfo;
  return danfo;
}

export interface DataFrameOptions {
  /** 'text' (default): {mean, ci} cells become "mean ± ci" strings, as papers print them.
   * 'split': each {mean, ci} column becomes two numeric columns "<name>" and "<name> ci95". */
  meanCi?: 'text' | 'split';
  digits?: number;
}

/** A danfojs DataFrame of a results table (for sorting, filtering and joins in notebooks). */
export function toDataFrame(table: Table, opts: DataFrameOptions = {}): DataFrame {
  const t = validateTable(table, 'toDataFrame');
  const mode = opts.meanCi ?? 'text';
  if (mode !== 'text' && mode !== 'split') throw new Error(`toDataFrame: meanCi must be 'text' or 'split', got '${String(mode)}'.`);
  const cols: Record<string, (string | number | null)[]> = {};
  t.columns.forEach((name, j) => {
    const cells = t.rows.map((r) => r[j]);
    const hasCi = cells.some(isMeanCi);
    if (mode === 'split' && hasCi) {
      cols[name] = cells.map((c) => (isMeanCi(c) ? c.mean : typeof c === 'number' ? c : null));
      cols[`${name} ci95`] = cells.map((c) => (isMeanCi(c) ? c.ci : null));
    } else if (hasCi || cells.some((c) => typeof c === 'string')) {
      cols[name] = cells.map((c) => formatCell(c, opts.digits ?? 2));
    } else {
      cols[name] = cells.map((c) => (typeof c === 'number' ? c : null));
    }
  });
  const dfd = danfojs();
  return new dfd.DataFrame(cols, { columns: Object.keys(cols) });
}

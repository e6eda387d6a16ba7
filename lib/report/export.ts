import { writeFileAtomic } from '../io/atomic';
import { formatCell, isMeanCi, validateTable, type Table } from '../results';

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV text of a table. A {mean, ci, n} column becomes three numeric columns "<name>", "<name> ci95"
 * and "<name> n", so nothing is lost and spreadsheets can compute with it.
 */
export function tableToCsv(table: Table): string {
  const t = validateTable(table, 'tableToCsv');
  const ciCols = t.columns.map((_, j) => t.rows.some((r) => isMeanCi(r[j])));
  const header = t.columns.flatMap((c, j) => (ciCols[j] ? [c, `${c} ci95`, `${c} n`] : [c]));
  const lines = [header.map(csvField).join(',')];
  for (const r of t.rows) {
    const fields = r.flatMap((c, j) => {
      if (!ciCols[j]) return [typeof c === 'number' ? String(c) : formatCell(c)];
      // A single run has no interval (ci NaN): its ci95 field stays empty.
      if (isMeanCi(c)) return [String(c.mean), Number.isFinite(c.ci) ? String(c.ci) : '', String(c.n)];
      return [typeof c === 'number' ? String(c) : formatCell(c), '', ''];
    });
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a table as CSV, atomically (temp file + rename). */
export function writeTableCsv(table: Table, file: string): void {
  writeFileAtomic(file, tableToCsv(table));
}

/** Writes a table (or any JSON value, e.g. a results record) as JSON, atomically. */
export function writeJson(value: unknown, file: string): void {
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  }, 1);
  writeFileAtomic(file, `${text}\n`);
}

export function writeTableJson(table: Table, file: string): void {
  writeJson(validateTable(table, 'writeTableJson'), file);
}

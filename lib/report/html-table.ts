import { escapeHtml } from '../io/html';
import { inNotebook, writeDisplay } from '../io/jupyter';
import { formatCell, validateTable, type Table } from '../results';

/** An HTML <table> of a results table, numbers right-aligned, {mean, ci} as "mean ± ci". */
export function tableHtml(table: Table, digits = 2): string {
  const t = validateTable(table, 'tableHtml');
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${r.map((c) => `<td style="text-align:${typeof c === 'string' ? 'left' : 'right'}">${escapeHtml(formatCell(c, digits))}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = t.title ? `<caption style="caption-side:top;font-weight:bold;text-align:left">${escapeHtml(t.title)}</caption>` : '';
  return `<table class="unlearn-lab-table" style="border-collapse:collapse">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Fixed-width text of a table (for terminals and text/plain outputs). */
export function tableText(table: Table, digits = 2): string {
  const t = validateTable(table, 'tableText');
  const cells = [t.columns, ...t.rows.map((r) => r.map((c) => formatCell(c, digits)))];
  const widths = t.columns.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((s, j) => s.padEnd(widths[j])).join('  ').trimEnd();
  return [...(t.title ? [t.title] : []), line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Shows a table: as HTML (plus text) in a tslab notebook, as text on the console elsewhere. */
export function showTable(table: Table, digits = 2): void {
  if (inNotebook()) writeDisplay({ 'text/html': tableHtml(table, digits), 'text/plain': tableText(table, digits) });
  else console.log(tableText(table, digits));
}

import { renderFigures } from '../plot/static-image';
import { writeFileAtomic } from '../plot/display';
import { figureTitle, type Figure } from '../plot/figure';
import { escapeHtml } from '../plot/notebook';
import { tableHtml } from './html-table';
import type { Table } from './table';

/** One block of a report, in order. */
export type ReportBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'table'; table: Table; digits?: number }
  | { kind: 'figure'; figure: Figure; caption?: string };

export interface ReportOptions {
  title: string;
  /** Lines under the title: preset, backend, seeds, date. */
  meta?: string[];
}

/**
 * An HTML results report (results/*.html): headings, text, tables and figures as embedded PNGs, in
 * one self-contained file with no scripts, so it opens anywhere. Figures are rendered in one
 * Chromium batch when the report is written.
 */
export class HtmlReport {
  readonly blocks: ReportBlock[] = [];

  constructor(readonly opts: ReportOptions) {
    if (!opts?.title) throw new Error('HtmlReport: a title is required, e.g. new HtmlReport({ title: "Table 1" }).');
  }

  heading(text: string): this {
    this.blocks.push({ kind: 'heading', text });
    return this;
  }

  text(text: string): this {
    this.blocks.push({ kind: 'text', text });
    return this;
  }

  table(table: Table, digits?: number): this {
    this.blocks.push({ kind: 'table', table, digits });
    return this;
  }

  figure(figure: Figure, caption?: string): this {
    this.blocks.push({ kind: 'figure', figure, caption });
    return this;
  }

  /** The report's HTML; renders every figure to PNG first. */
  async html(): Promise<string> {
    const figs = this.blocks.filter((b): b is Extract<ReportBlock, { kind: 'figure' }> => b.kind === 'figure');
    const pngs = await renderFigures(figs.map((b) => b.figure));
    let f = 0;
    const body = this.blocks.map((b) => {
      switch (b.kind) {
        case 'heading':
          return `<h2>${escapeHtml(b.text)}</h2>`;
        case 'text':
          return `<p>${escapeHtml(b.text)}</p>`;
        case 'table':
          return tableHtml(b.table, b.digits);
        case 'figure': {
          const png = pngs[f++];
          const alt = escapeHtml(b.caption ?? figureTitle(b.figure));
          return `<figure><img src="data:image/png;base64,${png.toString('base64')}" alt="${alt}" style="max-width:100%"/>${b.caption ? `<figcaption>${escapeHtml(b.caption)}</figcaption>` : ''}</figure>`;
        }
      }
    });
    const meta = (this.opts.meta ?? []).map((m) => `<div class="meta">${escapeHtml(m)}</div>`).join('\n');
    return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(this.opts.title)}</title>
<style>
body { font-family: Arial, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
.meta { color: #666; font-size: 0.9em; }
table.unlearn-lab-table { margin: 1em 0; font-size: 0.95em; }
table.unlearn-lab-table th, table.unlearn-lab-table td { border-bottom: 1px solid #ddd; padding: 4px 10px; }
table.unlearn-lab-table th { background: #f3f3f3; }
figure { margin: 1em 0; }
figcaption { color: #555; font-size: 0.9em; }
</style></head>
<body>
<h1>${escapeHtml(this.opts.title)}</h1>
${meta}
${body.join('\n')}
</body></html>
`;
  }

  /** Writes the report atomically (temp file + rename). */
  async write(file: string): Promise<string> {
    writeFileAtomic(file, await this.html());
    return file;
  }
}

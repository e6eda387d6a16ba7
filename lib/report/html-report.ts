import { writeFileAtomic } from '../io/atomic';
import { escapeHtml } from '../io/html';
import type { Table } from '../results';
import { tableHtml } from './html-table';

/** An already rendered figure: PNG bytes and its alt text (lib/plot's figureImages makes these from figures). */
export interface ReportImage {
  png: Uint8Array;
  alt: string;
  caption?: string;
}

/** One block of a report, in order. */
export type ReportBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'table'; table: Table; digits?: number }
  | { kind: 'image'; image: ReportImage };

export interface ReportOptions {
  title: string;
  /** Lines under the title: preset, backend, seeds, date. */
  meta?: string[];
}

/**
 * An HTML results report (results/*.html): headings, text, tables and figures as embedded PNGs, in
 * one self-contained file with no scripts, so it opens anywhere. The report takes figures already
 * rendered (plot's figureImages renders a list in one Chromium batch), so report and plot stay
 * independent layers.
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

  image(image: ReportImage): this {
    if (!(image?.png instanceof Uint8Array) || image.png.length === 0) {
      throw new Error('HtmlReport.image: png must be non-empty PNG bytes; render figures with figureImages() from lib/plot.');
    }
    this.blocks.push({ kind: 'image', image });
    return this;
  }

  /** The report's HTML. */
  html(): string {
    const body = this.blocks.map((b) => {
      switch (b.kind) {
        case 'heading':
          return `<h2>${escapeHtml(b.text)}</h2>`;
        case 'text':
          return `<p>${escapeHtml(b.text)}</p>`;
        case 'table':
          return tableHtml(b.table, b.digits);
        case 'image': {
          const { png, alt, caption } = b.image;
          return `<figure><img src="data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}" alt="${escapeHtml(alt)}" style="max-width:100%"/>${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ''}</figure>`;
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
  write(file: string): string {
    writeFileAtomic(file, this.html());
    return file;
  }
}

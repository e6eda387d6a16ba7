import * as path from 'node:path';
import type { Figure } from '../../plot/figure';
import { figureImages } from '../../plot/static-image';
import { writeJson, writeTableCsv } from '../../report/export';
import { HtmlReport } from '../../report/html-report';
import type { Table } from '../../results';

/** What an experiment run leaves in results/<experiment>/<preset>/. */
export interface ExperimentOutput {
  title: string;
  /** Lines under the report title (command, preset, backend, seeds, date). */
  meta: string[];
  /** The full result object (results.json). */
  result: unknown;
  /** Each table as <name>.csv and in the report. */
  tables: Record<string, Table>;
  figures?: { figure: Figure; caption?: string }[];
  /** Paragraphs for the report (e.g. the comparison with the paper). */
  notes?: string[];
}

/** Writes results.json, one CSV per table and report.html (figures as PNG), each atomically. Returns the paths. */
export async function writeExperimentOutput(dir: string, out: ExperimentOutput): Promise<string[]> {
  const files: string[] = [];
  const json = path.join(dir, 'results.json');
  writeJson(out.result, json);
  files.push(json);
  const report = new HtmlReport({ title: out.title, meta: out.meta });
  for (const [name, table] of Object.entries(out.tables)) {
    const csv = path.join(dir, `${name}.csv`);
    writeTableCsv(table, csv);
    files.push(csv);
    report.heading(table.title ?? name).table(table);
  }
  // All figures rendered in one Chromium batch.
  for (const image of await figureImages(out.figures ?? [])) report.image(image);
  for (const n of out.notes ?? []) report.text(n);
  const html = path.join(dir, 'report.html');
  report.write(html);
  files.push(html);
  return files;
}

import * as path from 'node:path';
import type { SeedTable } from '../metrics/aggregate';
import type { Figure } from '../plot/figure';
import { writeJson, writeTableCsv } from '../report/export';
import { HtmlReport } from '../report/html-report';
import type { Cell, Table } from '../report/table';

/**
 * A SeedTable (metrics/aggregate: mean and 95% CI over seeds per method and scenario) as a report
 * Table: one row per (scenario, method), one column per metric; a single-seed cell shows ci 0.
 */
export function seedTableToTable(t: SeedTable, title?: string, metrics: string[] = t.columns): Table {
  const rows: Cell[][] = t.rows.map((r) => [
    r.scenario,
    r.method,
    ...metrics.map((m): Cell => {
      const c = r.cells[m];
      return c == null ? null : { mean: c.mean, ci: Number.isFinite(c.ci) ? c.ci : 0, n: c.n };
    }),
  ]);
  return { columns: ['scenario', 'method', ...metrics], rows, title };
}

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
  for (const f of out.figures ?? []) report.figure(f.figure, f.caption);
  for (const n of out.notes ?? []) report.text(n);
  const html = path.join(dir, 'report.html');
  await report.write(html);
  files.push(html);
  return files;
}

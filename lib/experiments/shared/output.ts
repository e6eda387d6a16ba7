import * as path from 'node:path';
import type { Figure } from '../../plot/figure';
import { figureImages } from '../../plot/static-image';
import { writeJson, writeTableCsv } from '../../report/export';
import { HtmlReport } from '../../report/html-report';
import type { Table } from '../../results';
import type { Provenance } from './provenance';

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
  /**
   * Where the run came from (runExperiment fills it): written into results.json under `provenance`,
   * beside the result's own keys.
   */
  provenance?: Provenance;
}

/** The object results.json holds: the result, with the provenance (when there is one) under `provenance`. */
export function resultsJson(out: Pick<ExperimentOutput, 'result' | 'provenance'>): unknown {
  const r = out.result;
  if (out.provenance == null || r == null || typeof r !== 'object' || Array.isArray(r)) return r;
  return { ...(r as Record<string, unknown>), provenance: out.provenance };
}

/**
 * Writes one CSV per table, then results.json and report.html (figures as PNG), each atomically.
 * Returns the paths. `finish`, when given, is called after the figures are rendered and the CSVs
 * written, just before results.json and report.html, and gives the output those two are made from
 * (runExperiment adds the provenance there, so its write time covers the rendering).
 */
export async function writeExperimentOutput(dir: string, out: ExperimentOutput, finish?: (out: ExperimentOutput) => ExperimentOutput): Promise<string[]> {
  const files: string[] = [];
  for (const [name, table] of Object.entries(out.tables)) {
    const csv = path.join(dir, `${name}.csv`);
    writeTableCsv(table, csv);
    files.push(csv);
  }
  // All figures rendered in one Chromium batch.
  const images = await figureImages(out.figures ?? []);
  const final = finish ? finish(out) : out;
  const json = path.join(dir, 'results.json');
  writeJson(resultsJson(final), json);
  const report = new HtmlReport({ title: final.title, meta: final.meta });
  for (const [name, table] of Object.entries(final.tables)) report.heading(table.title ?? name).table(table);
  for (const image of images) report.image(image);
  for (const n of final.notes ?? []) report.text(n);
  const html = path.join(dir, 'report.html');
  report.write(html);
  return [json, ...files, html];
}

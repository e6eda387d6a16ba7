import * as path from 'node:path';
import type { RunOptions } from './shared/experiment';
import { writeExperimentOutput, type ExperimentOutput } from './shared/output';
import { getExperiment } from './registry';

/** results/<experiment>/<preset>, or results/<experiment>/<preset>-<n>seeds when the seed count is overridden. */
export function defaultResultsDir(root: string, experiment: string, o: Pick<RunOptions, 'preset' | 'seeds'>): string {
  return path.join(root, 'results', experiment, o.seeds == null ? o.preset : `${o.preset}-${o.seeds}seeds`);
}

/**
 * Runs an experiment by name and writes its outputs (results.json, CSVs, report.html). `command` is
 * recorded in the report so every committed result says how it was made.
 */
export async function runExperiment(
  name: string,
  o: RunOptions & { outDir: string; command: string },
): Promise<{ output: ExperimentOutput; files: string[] }> {
  const e = getExperiment(name);
  const started = new Date().toISOString();
  const result = await e.run(o);
  const output = e.output(result, o);
  output.meta = [`command: ${o.command}`, `started ${started}`, ...output.meta];
  const files = await writeExperimentOutput(o.outDir, output);
  return { output, files };
}

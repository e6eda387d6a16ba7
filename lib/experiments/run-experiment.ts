import * as path from 'node:path';
import { datasetDir } from '../data/loaders';
import { checkWritableDir, pathSetting } from '../io/preflight';
import { openRunFolder } from '../io/run-folder';
import type { RunOptions } from './shared/experiment';
import { checkRunOptions } from './shared/harness';
import { writeExperimentOutput, type ExperimentOutput } from './shared/output';
import { modelCacheDir } from './shared/scenario';
import { getExperiment } from './registry';

/**
 * results/<experiment>/<preset>[-<dataset>][-<n>seeds]: the preset's own runs keep the committed
 * folder results/<experiment>/<preset>; a --dataset or --seeds override gets a folder of its own, so
 * runs on different data or seed counts never overwrite each other (the model is set by the preset).
 */
export function defaultResultsDir(root: string, experiment: string, o: Pick<RunOptions, 'preset' | 'seeds' | 'dataset'>): string {
  const parts = [o.preset, ...(o.dataset == null ? [] : [o.dataset]), ...(o.seeds == null ? [] : [`${o.seeds}seeds`])];
  return path.join(root, 'results', experiment, parts.join('-'));
}

/**
 * Checks, before any compute, what a run needs at its end: the output folder's parent and the model
 * cache can be written and have room, and a dataset named by --dataset is present (the preset's own
 * datasets are read, and so checked, before any training).
 */
export function preflight(o: Pick<RunOptions, 'cacheDir' | 'dataset' | 'dataDir'> & { outDir: string }): void {
  pathSetting(o.outDir, 'The output folder (--out)');
  checkWritableDir(path.dirname(path.resolve(o.outDir)), 'The output folder\'s parent', `Pass another output folder (--out); the results would go to ${path.resolve(o.outDir)}.`);
  const cache = pathSetting(o.cacheDir, 'The model cache folder (cacheDir)') ?? modelCacheDir();
  checkWritableDir(cache, 'The model cache folder', 'Set UNLEARN_CACHE to another folder.');
  if (o.dataset != null) datasetDir(o.dataset, o.dataDir);
}

/**
 * Runs an experiment by name and writes its outputs (results.json, CSVs, report.html). `command` is
 * recorded in the report so every committed result says how it was made. Before any compute: the
 * preflight, and the output folder's lock (a second writer fails at once). The outputs are written
 * into a temp folder beside `outDir` and swapped in whole at the end, so `outDir` holds either the
 * previous run or this one, never a mix; `show` (e.g. printing the tables) runs before any file is written.
 */
export async function runExperiment(
  name: string,
  o: RunOptions & { outDir: string; command: string; show?: (output: ExperimentOutput) => void },
): Promise<{ output: ExperimentOutput; files: string[] }> {
  const e = getExperiment(name);
  checkRunOptions(e, o);
  preflight(o);
  const folder = openRunFolder(o.outDir, { log: o.log });
  try {
    const started = new Date().toISOString();
    const result = await e.run(o);
    const output = e.output(result, o);
    output.meta = [`command: ${o.command}`, `started ${started}`, ...output.meta];
    o.show?.(output);
    const written = await writeExperimentOutput(folder.dir, output);
    folder.commit();
    return { output, files: written.map((f) => path.join(folder.target, path.relative(folder.dir, f))) };
  } catch (err) {
    folder.abort();
    throw err;
  }
}

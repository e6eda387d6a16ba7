import * as fs from 'node:fs';
import * as path from 'node:path';
import { datasetDir } from '../data/loaders';
import { checkWritableDir, pathSetting } from '../io/preflight';
import { openRunFolder } from '../io/run-folder';
import type { RunOptions } from './shared/experiment';
import { checkRunOptions } from './shared/harness';
import { writeExperimentOutput, type ExperimentOutput } from './shared/output';
import { ProvenanceRecorder, provenanceMeta, type CellsRecord, type Provenance } from './shared/provenance';
import { modelCacheDir } from './shared/scenario';
import { getExperiment } from './registry';

/**
 * results/<experiment>/<preset>[-<dataset>][-<n>seeds]: the preset's own runs keep the committed
 * folder results/<experiment>/<preset>; a --dataset or --seeds override gets a folder of its own, so
 * runs on different data or seed counts never overwrite each other (the model is set by the preset).
 */
export function defaultResultsDir(root: string, experiment: string, o: Pick<RunOptions, 'preset' | 'seeds' | 'dataset' | 'model' | 'forget'>): string {
  // A run with its own model or forget request gets its own folder, never the preset's reference results.
  const forget = o.forget == null ? [] : [`forget-${path.basename(o.forget).replace(/[^a-zA-Z0-9.]+/g, '-')}`];
  const parts = [o.preset, ...(o.dataset == null ? [] : [o.dataset]), ...(o.model == null ? [] : [o.model]), ...forget, ...(o.seeds == null ? [] : [`${o.seeds}seeds`])];
  return path.join(root, 'results', experiment, parts.join('-'));
}

/**
 * A run folder of its own for the main job (`npm start`): <root>/runs/<UTC time>-<experiment>-<preset>,
 * e.g. runs/20261130T142501Z-single-round-cpu (git-ignored), so a fresh `npm start` never overwrites the
 * committed reference results in results/. A folder of the same second gets a -2, -3, ... suffix.
 */
export function newRunDir(root: string, experiment: string, preset: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = path.join(root, 'runs', `${stamp}-${experiment}-${preset}`);
  let dir = base;
  for (let i = 2; fs.existsSync(dir) || fs.existsSync(`${dir}.lock`); i++) dir = `${base}-${i}`;
  return dir;
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
 * recorded with the run's provenance (results.json `provenance`, the report's meta lines: git commit,
 * machine, versions, load, preset hash, phase times), so every committed result says how it was made;
 * give a command that reruns it as written (the CLI records `npx unlearn-lab <experiment> ...`). Before
 * any compute: the preflight, and the output folder's lock (a second writer fails at once). The outputs
 * are written into a temp folder beside `outDir` and swapped in whole at the end, so `outDir` holds either
 * the previous run or this one, never a mix; `show` (e.g. printing the tables) runs before any file is written.
 */
export async function runExperiment(
  name: string,
  o: RunOptions & { outDir: string; command: string; show?: (output: ExperimentOutput) => void },
  /** What makes the result instead of the experiment's own run (lib/sweep: a run's seed cells, a sweep's merge), with the cells it came from. */
  produce?: () => Promise<{ result: unknown; cells: CellsRecord }>,
): Promise<{ output: ExperimentOutput; files: string[] }> {
  const e = getExperiment(name);
  checkRunOptions(e, o);
  const provenance = new ProvenanceRecorder({ experiment: e.name, command: o.command, preset: o.preset, settings: e.settings(o.preset), options: o });
  preflight(o);
  const folder = openRunFolder(o.outDir, { log: o.log });
  try {
    provenance.phase('run');
    let result: unknown;
    if (produce) {
      const made = await produce();
      result = made.result;
      provenance.fromCells(made.cells);
    } else {
      result = await e.run(o);
    }
    provenance.phase('views');
    let output = e.output(result, o);
    o.show?.(output);
    provenance.phase('write');
    const written = await writeExperimentOutput(folder.dir, output, (out) => {
      const p = provenance.finish();
      output = { ...out, provenance: p, meta: [...provenanceMeta(p), ...out.meta] };
      return output;
    });
    folder.commit();
    return { output, files: written.map((f) => path.join(folder.target, path.relative(folder.dir, f))) };
  } catch (err) {
    folder.abort();
    throw err;
  }
}

/**
 * Rebuilds the tables, figures and report of a finished run from its results.json with the current
 * views, re-running nothing (after a change to an experiment's views.ts, or to a figure). The numbers and
 * the provenance stay as they were; the report gains a line saying when and by which code it was
 * re-rendered. The folder is swapped in whole, as a run's is.
 */
export async function rerenderResults(dir: string, renderedBy: string): Promise<{ output: ExperimentOutput; files: string[] }> {
  const file = path.join(dir, 'results.json');
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist: pass the folder of a finished run (it holds results.json).`);
  const { provenance, ...result } = JSON.parse(fs.readFileSync(file, 'utf8')) as { provenance?: Provenance; experiment?: unknown; preset?: unknown };
  const name = provenance?.experiment ?? result.experiment;
  if (typeof name !== 'string') throw new Error(`${file} names no experiment (no 'experiment' key): it is not the results.json of an unlearn-lab run.`);
  const e = getExperiment(name);
  const preset = (provenance?.preset ?? result.preset) as RunOptions['preset'];
  let output = e.output(result, { preset });
  output = {
    ...output,
    provenance,
    meta: [...(provenance ? provenanceMeta(provenance) : []), ...output.meta, `re-rendered ${new Date().toISOString()} by ${renderedBy} from results.json; nothing was re-run`],
  };
  const folder = openRunFolder(dir, {});
  try {
    const written = await writeExperimentOutput(folder.dir, output);
    folder.commit();
    return { output, files: written.map((f) => path.join(folder.target, path.relative(folder.dir, f))) };
  } catch (err) {
    folder.abort();
    throw err;
  }
}

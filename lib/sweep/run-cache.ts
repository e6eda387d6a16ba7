import * as fs from 'node:fs';
import * as path from 'node:path';
import { getExperiment } from '../experiments/registry';
import type { RunOptions } from '../experiments/shared/experiment';
import { settingsHash } from '../experiments/shared/provenance';
import { modelCacheDir } from '../experiments/shared/scenario';
import { cellKey, CellStore, type ExperimentCellConfig } from './cells';
import { resultCodeVersion } from './code-version';
import { ensureCell } from './sweep';

/** Where finished runs are kept: $UNLEARN_CACHE/runs (beside the model cache). */
export function runCacheDir(): string {
  return path.join(path.dirname(modelCacheDir()), 'runs');
}

export interface CachedRunOptions extends Omit<RunOptions, 'outDir'> {
  /** Compute the run again even when a finished one is cached (the new one replaces it). */
  rerun?: boolean;
  /** The run cache folder (default runCacheDir()). */
  runCache?: string;
}

export interface CachedRun<R> {
  result: R;
  /** True when the result came from the cache (nothing was computed). */
  cached: boolean;
  /** The cache file and the compute seconds it records (the original run's, when cached). */
  file: string;
  seconds: number;
  /** When the run finished. */
  finished: string;
  /** One line for a notebook: where the result came from and how to compute it again. */
  summary: string;
}

/** The cell config of a run: the experiment and flags, a hash of the preset's resolved settings, the code version. */
export function runCellConfig(name: string, o: RunOptions): ExperimentCellConfig {
  const e = getExperiment(name);
  return {
    kind: 'experiment',
    experiment: e.name,
    preset: o.preset,
    seed: o.seed ?? null,
    seeds: o.seeds ?? null,
    methods: o.methods ?? null,
    dataset: o.dataset ?? null,
    ...(o.model != null ? { model: o.model } : {}),
    ...(o.forget != null ? { forget: o.forget } : {}),
    settingsHash: settingsHash(e.settings(o.preset)),
    code: resultCodeVersion(),
  };
}

/**
 * An experiment's result for these options, from the run cache when the same experiment, flags, resolved
 * preset settings and code version finished before (seconds), else computed and cached (written
 * atomically, as a sweep cell: a killed run leaves nothing a later call would trust). `rerun: true`
 * computes it again. Notebooks call this, so reopening one does not repeat a 20-minute run.
 */
export async function cachedRun<R = unknown>(name: string, o: CachedRunOptions): Promise<CachedRun<R>> {
  const config = runCellConfig(name, o);
  const store = new CellStore(o.runCache ?? runCacheDir(), o.log);
  store.removeStaleTemps();
  const file = store.file(cellKey(config));
  if (o.rerun) fs.rmSync(file, { force: true });
  const { cell, resumed } = await ensureCell(store, config, { log: o.log, onProgress: o.onProgress, cacheDir: o.cacheDir, dataDir: o.dataDir, where: 'cachedRun' });
  const how = resumed
    ? `cached run of ${cell.finished} (it took ${cell.seconds.toFixed(0)} s), loaded from ${file}; pass rerun: true to compute it again`
    : `computed in ${cell.seconds.toFixed(0)} s and cached as ${file}`;
  return { result: cell.result as R, cached: resumed, file, seconds: cell.seconds, finished: cell.finished, summary: `${name}, preset ${o.preset}: ${how}.` };
}

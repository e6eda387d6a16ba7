import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasCommittedResults, loadCommittedResults, resultsDir } from '../experiments/shared/committed';
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
  /**
   * When nothing is cached, show the committed run (results/<experiment>/<preset>/results.json) instead of
   * computing, if there is one and the options are the preset's own (no seeds, methods, model, forget or
   * dataset override). Its code may be older than this checkout's: the summary says so. Notebooks pass true.
   */
  committed?: boolean;
  /** The repository whose results/ `committed` reads (default: this one). */
  root?: string;
}

export interface CachedRun<R> {
  result: R;
  /** True when the result came from the cache or the committed results (nothing was computed). */
  cached: boolean;
  /** Where it came from. */
  source: 'computed' | 'cache' | 'committed';
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
  const ownOptions = o.seeds == null && o.seed == null && o.methods == null && o.model == null && o.forget == null && o.dataset == null;
  if (o.committed && !o.rerun && ownOptions && !fs.existsSync(file) && hasCommittedResults(name, o.preset, o.root)) {
    const committedFile = path.join(resultsDir(name, o.preset, o.root), 'results.json');
    const result = loadCommittedResults<R & { seconds?: number; provenance?: { git?: { commit?: string }; finished?: string } }>(name, o.preset, o.root);
    const seconds = typeof result.seconds === 'number' ? result.seconds : NaN;
    const commit = result.provenance?.git?.commit?.slice(0, 7) ?? 'unknown commit';
    return {
      result,
      cached: true,
      source: 'committed',
      file: committedFile,
      seconds,
      finished: result.provenance?.finished ?? '',
      summary:
        `${name}, preset ${o.preset}: the committed run, results/${name}/${o.preset}/results.json ` +
        `(${resultsMarker(committedFile)}, made by ${commit}${Number.isFinite(seconds) ? ` in ${(seconds / 60).toFixed(0)} min` : ''}); ` +
        'its code may be older than this checkout: pass rerun: true to compute it with this code.',
    };
  }
  const { cell, resumed } = await ensureCell(store, config, { log: o.log, onProgress: o.onProgress, cacheDir: o.cacheDir, dataDir: o.dataDir, where: 'cachedRun' });
  const how = resumed
    ? `cached run of ${cell.finished} (it took ${cell.seconds.toFixed(0)} s), loaded from ${file}; pass rerun: true to compute it again`
    : `computed in ${cell.seconds.toFixed(0)} s and cached as ${file}`;
  return { result: cell.result as R, cached: resumed, source: resumed ? 'cache' : 'computed', file, seconds: cell.seconds, finished: cell.finished, summary: `${name}, preset ${o.preset}: ${how}.` };
}

/** 'results.json sha256 <first 12 hex digits>': the marker a notebook output carries, so a test can tell when it went stale. */
export function resultsMarker(file: string): string {
  return `results.json sha256 ${createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12)}`;
}

/**
 * The outputs of a saved notebook that show a committed run which has changed since (its results.json
 * hashes differently now), or whose results.json is gone: one line each. Empty when every output is current.
 */
export function staleNotebookOutputs(notebookFile: string, root: string): string[] {
  const nb = JSON.parse(fs.readFileSync(notebookFile, 'utf8')) as { cells: { outputs?: { text?: string | string[]; data?: Record<string, string | string[]> }[] }[] };
  const out: string[] = [];
  nb.cells.forEach((cell, i) => {
    for (const o of cell.outputs ?? []) {
      const texts = [o.text, ...Object.values(o.data ?? {})].map((t) => (Array.isArray(t) ? t.join('') : (t ?? '')));
      for (const t of texts) {
        for (const m of t.matchAll(/(results\/[a-z0-9-]+\/[a-z-]+\/results\.json) \(results\.json sha256 ([0-9a-f]{12})/g)) {
          const file = path.join(root, m[1]);
          if (!fs.existsSync(file)) out.push(`cell ${i}: shows ${m[1]}, which no longer exists`);
          else if (resultsMarker(file) !== `results.json sha256 ${m[2]}`) out.push(`cell ${i}: shows ${m[1]} as it was (sha256 ${m[2]}), but it has changed since: re-render the notebook`);
        }
      }
    }
  });
  return out;
}

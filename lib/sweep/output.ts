import * as fs from 'node:fs';
import * as path from 'node:path';
import { runExperiment } from '../experiments/run-experiment';
import { getExperiment, type AnyExperiment } from '../experiments/registry';
import type { RunOptions } from '../experiments/shared/experiment';
import type { ExperimentOutput } from '../experiments/shared/output';
import { settingsHash, type CellsRecord } from '../experiments/shared/provenance';
import { checkRunOptions } from '../experiments/shared/harness';
import { modelCacheDir } from '../experiments/shared/scenario';
import { cellKey, cellLabel, cellsRecord, CellStore, type CellFile, type ExperimentCellConfig } from './cells';
import { resultCodeVersion } from './code-version';
import { mergeSeedResults, SEED_MERGERS } from './seed-merge';
import { ensureCell } from './sweep';

export interface OutputOptions {
  outDir: string;
  command: string;
  show?: (output: ExperimentOutput) => void;
  log?: (line: string) => void;
}

/**
 * Writes an experiment's outputs (results.json with provenance, CSVs, report.html) for a result that
 * `produce` puts together from cells: runExperiment with `produce` in place of e.run (preflight and the
 * folder's lock before any compute, a temp folder swapped in whole at the end); the provenance lists the cells.
 */
export function writeResultsFolder(e: AnyExperiment, o: RunOptions & OutputOptions, produce: () => Promise<{ result: unknown; cells: CellsRecord }>): Promise<{ output: ExperimentOutput; files: string[] }> {
  return runExperiment(e.name, o, produce);
}

/** The single-seed cells of a run of `e` with these options (seeds 0..n-1, n from --seeds or the preset). */
export function seedCells(e: AnyExperiment, o: RunOptions): ExperimentCellConfig[] {
  const merger = SEED_MERGERS[e.name];
  if (merger == null) throw new Error(`${e.name} does not run one seed per cell.`);
  const n = o.seeds ?? merger.defaultSeeds(o.preset, o.dataset ?? null);
  const base = {
    kind: 'experiment' as const,
    experiment: e.name,
    preset: o.preset,
    methods: o.methods ?? null,
    dataset: o.dataset ?? null,
    settingsHash: settingsHash(e.settings(o.preset)),
    code: resultCodeVersion(),
    seeds: null,
  };
  return Array.from({ length: n }, (_, seed) => ({ ...base, seed }));
}

/**
 * Where a run of a seed-split experiment keeps its finished seeds until its results folder is written:
 * `run-cells/` in the model cache folder (`$UNLEARN_CACHE/models`, or RunOptions.cacheDir), beside the
 * cached original models, so a killed run leaves nothing beside its results folder. Cells are found by
 * key, so the folder is shared by every run.
 */
export const runCellsDir = (o: Pick<RunOptions, 'cacheDir'>) => path.join(o.cacheDir ?? modelCacheDir(), 'run-cells');

/**
 * Runs an experiment as the CLI does, one seed per cell where the experiment can be split by seed
 * (SEED_MERGERS), so a killed run resumes: each finished seed is written at once to runCellsDir
 * (atomically), a rerun of the same command (same settings and code) takes the seeds found there and
 * computes the rest, and its cells are removed once the results are written. Other experiments run as
 * one piece (runExperiment).
 */
export async function runExperimentInCells(name: string, o: RunOptions & OutputOptions): Promise<{ output: ExperimentOutput; files: string[] }> {
  const e = getExperiment(name);
  // Runs with a forget request, a model or saved models/losses are not split into seed cells: one piece.
  if (SEED_MERGERS[e.name] == null || o.forget != null || o.model != null || (o.save ?? []).length > 0) return runExperiment(name, o);
  checkRunOptions(e, o);
  const log = o.log ?? (() => {});
  const configs = seedCells(e, o);
  const dir = runCellsDir(o);
  const result = await writeResultsFolder(e, o, async () => {
    const store = new CellStore(dir, o.log);
    store.removeStaleTemps();
    const cells: CellFile[] = [];
    for (const config of configs) {
      const { cell, resumed } = await ensureCell(store, config, { log: o.log, onProgress: o.onProgress, cacheDir: o.cacheDir, dataDir: o.dataDir });
      if (resumed) log(`${cellLabel(config)}: resumed from ${store.file(cell.key)} (finished ${cell.finished})`);
      cells.push(cell);
    }
    return { result: mergeSeedResults(e.name, cells.map((c) => c.result)), cells: cellsRecord(cells, null) };
  });
  for (const c of configs) fs.rmSync(path.join(dir, `${cellKey(c)}.json`), { force: true });
  return result;
}

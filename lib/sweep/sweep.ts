import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { getExperiment } from '../experiments/registry';
import type { RunOptions } from '../experiments/shared/experiment';
import type { PresetName } from '../experiments/shared/presets';
import { startCellRun } from '../experiments/shared/provenance';
import type { ProgressSink } from '../train/progress';
import { cellKey, cellLabel, CellStore, type CellConfig, type CellFile } from './cells';
import { resultCodeVersion } from './code-version';
import { decodeJson, encodeJson } from './codec';
import { runLiraShadow, runLiraTarget } from './lira-cells';
import { planCells, readSweepSpec, type PlannedCell, type SweepSpec } from './spec';

/**
 * A sweep folder:
 *   sweep.json      the plan: the spec and every cell (key, results group, config), in order
 *   cells/<key>.json   finished cells (CellStore); cells/failed/<key>.json: cells that failed
 *   logs/           one log per local worker, Slurm array task or Kubernetes index
 *   slurm/, kubernetes/   the generated sbatch script and Job manifest
 *   merged/<group>/ what `unlearn-lab merge` writes: one results folder per group
 * Cells are found by key, so a rerun of the same spec (or another spec sharing cells) skips every
 * finished cell, and a cell computed by another build (another code version) is never taken for it.
 */
export const PLAN_FILE = 'sweep.json';
export const PLAN_SCHEMA = 1;

export interface SweepPlan {
  schema: number;
  name: string;
  /** The spec file it was planned from (absolute) and the spec as parsed. */
  specFile: string;
  spec: SweepSpec;
  code: string;
  planned: string;
  cells: PlannedCell[];
}

export interface Sweep {
  dir: string;
  plan: SweepPlan;
  store: CellStore;
}

/** Plans a sweep from its spec into `dir` (sweep.json, written atomically); the cells already finished there stay. */
export function planSweep(specFile: string, dir: string): Sweep {
  const spec = readSweepSpec(specFile);
  const plan: SweepPlan = { schema: PLAN_SCHEMA, name: spec.name, specFile: path.resolve(specFile), spec, code: resultCodeVersion(), planned: new Date().toISOString(), cells: planCells(spec) };
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, PLAN_FILE), `${JSON.stringify(plan, null, 1)}\n`);
  return { dir: path.resolve(dir), plan, store: new CellStore(path.join(dir, 'cells')) };
}

/**
 * Opens a planned sweep. Its plan must be whole: a planned cell whose config no longer hashes to its
 * key is an error that says to plan again. (Running its cells also needs the build it was planned with:
 * runCells checks that.)
 */
export function openSweep(dir: string): Sweep {
  const file = path.join(dir, PLAN_FILE);
  if (!fs.existsSync(file)) throw new Error(`${dir} is no sweep folder (no ${PLAN_FILE}); plan one with \`unlearn-lab sweep <spec> --out ${dir}\`.`);
  let plan: SweepPlan;
  try {
    plan = JSON.parse(fs.readFileSync(file, 'utf8')) as SweepPlan;
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); plan the sweep again with \`unlearn-lab sweep <spec> --out ${dir}\`.`);
  }
  if (plan?.schema !== PLAN_SCHEMA || !Array.isArray(plan.cells)) throw new Error(`${file} is not a sweep plan of schema ${PLAN_SCHEMA}; plan the sweep again with \`unlearn-lab sweep <spec> --out ${dir}\`.`);
  plan.cells.forEach((c, i) => {
    const actual = cellKey(c.config);
    if (actual !== c.key) {
      throw new Error(`${file}: cell ${i} (${cellLabel(c.config)}) has key ${c.key} but its config hashes to ${actual}: the plan was edited. Plan the sweep again with \`unlearn-lab sweep ${plan.specFile ?? '<spec>'} --out ${dir}\`.`);
    }
  });
  return { dir: path.resolve(dir), plan, store: new CellStore(path.join(dir, 'cells')) };
}

export type CellState = 'done' | 'failed' | 'todo';

export interface SweepStatus {
  cells: { index: number; key: string; label: string; state: CellState; error?: string }[];
  done: number;
  failed: number;
  todo: number;
}

export function sweepStatus(s: Sweep): SweepStatus {
  const cells = s.plan.cells.map((c, index) => {
    const done = s.store.read(c.config) != null;
    const failure = done ? null : s.store.failure(c.config);
    const state: CellState = done ? 'done' : failure ? 'failed' : 'todo';
    return { index, key: c.key, label: cellLabel(c.config), state, ...(failure ? { error: failure.error } : {}) };
  });
  const count = (st: CellState) => cells.filter((c) => c.state === st).length;
  return { cells, done: count('done'), failed: count('failed'), todo: count('todo') };
}

/** Slurm array tasks and Kubernetes indexes: task t runs cells t*chunk .. t*chunk+chunk-1 of the plan. */
export function taskCount(cells: number, chunk: number): number {
  checkChunk(chunk);
  return Math.ceil(cells / chunk);
}

export function taskCells(cells: number, task: number, chunk: number): number[] {
  checkChunk(chunk);
  const tasks = taskCount(cells, chunk);
  if (!Number.isInteger(task) || task < 0 || task >= tasks) throw new Error(`task ${task} is out of range: this sweep has ${cells} cells in ${tasks} tasks of ${chunk} (tasks 0..${tasks - 1}).`);
  return Array.from({ length: Math.min(chunk, cells - task * chunk) }, (_, i) => task * chunk + i);
}

function checkChunk(chunk: number): void {
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`chunk (cells per task) must be a positive integer, got ${chunk}.`);
}

/** The tasks that hold a cell not finished yet (what a resubmission runs). */
export function unfinishedTasks(status: SweepStatus, chunk: number): number[] {
  const tasks = new Set(status.cells.filter((c) => c.state !== 'done').map((c) => Math.floor(c.index / chunk)));
  return [...tasks].sort((a, b) => a - b);
}

export interface CellRunOptions {
  log?: (line: string) => void;
  onProgress?: ProgressSink;
  cacheDir?: string;
  dataDir?: string;
}

/** Computes one cell (nothing is written): an experiment's run on its seed(s), a LiRA target or one shadow. */
export async function computeCell(config: CellConfig, o: CellRunOptions = {}): Promise<unknown> {
  if (config.kind === 'lira-target') return runLiraTarget(config, o);
  if (config.kind === 'lira-shadow') return runLiraShadow(config, o);
  const e = getExperiment(config.experiment);
  const opts: RunOptions = {
    preset: config.preset as PresetName,
    ...(config.seed != null ? { seed: config.seed } : {}),
    ...(config.seeds != null ? { seeds: config.seeds } : {}),
    ...(config.methods != null ? { methods: config.methods } : {}),
    ...(config.dataset != null ? { dataset: config.dataset } : {}),
    ...(config.model != null ? { model: config.model } : {}),
    ...(config.forget != null ? { forget: config.forget } : {}),
    log: o.log,
    onProgress: o.onProgress,
    cacheDir: o.cacheDir,
    dataDir: o.dataDir,
  };
  return e.run(opts);
}

/** The finished cell of `config` in `store`, computing and writing it first when it has none. */
export async function ensureCell(store: CellStore, config: CellConfig, o: CellRunOptions & { where?: string } = {}): Promise<{ cell: CellFile; resumed: boolean }> {
  const done = store.read(config);
  if (done) return { cell: done, resumed: true };
  if (config.code !== resultCodeVersion()) {
    throw new Error(`cell ${cellLabel(config)} is keyed to code version ${config.code}, but this build is ${resultCodeVersion()}; plan the sweep again with this build.`);
  }
  const t0 = performance.now();
  const run = startCellRun();
  let result: unknown;
  try {
    result = await computeCell(config, o);
  } catch (e) {
    store.fail(config, e, o.where ?? 'in-process');
    throw e;
  }
  const written = store.write(config, result, (performance.now() - t0) / 1000, run());
  // As it reads back from the file (typed arrays, NaN), so a fresh cell and a resumed one are the same data.
  return { cell: decodeJson(encodeJson(written)) as CellFile, resumed: false };
}

/**
 * Runs the given cells of a sweep one after another (a local worker, a Slurm array task, a Kubernetes
 * index): finished ones are skipped, a failing one is recorded (cells/failed/) and the others still run.
 * Returns the number of cells that failed.
 */
export async function runCells(s: Sweep, indexes: readonly number[], o: CellRunOptions & { where: string }): Promise<number> {
  const log = o.log ?? (() => {});
  const code = resultCodeVersion();
  if (s.plan.code !== code) {
    throw new Error(
      `${path.join(s.dir, PLAN_FILE)} was planned with code version ${s.plan.code}, but this build is ${code}: its cells would be computed by other code than their keys name. ` +
        `Plan it again with \`unlearn-lab sweep ${s.plan.specFile} --out ${s.dir}\` (finished cells of this code are kept), or run the build it was planned with.`,
    );
  }
  const removed = s.store.removeStaleTemps();
  if (removed.length > 0) log(`removed ${removed.length} temp file(s) of killed writers in ${s.store.dir}`);
  let failed = 0;
  for (const i of indexes) {
    const c = s.plan.cells[i];
    if (c == null) throw new Error(`cell ${i} is out of range: the sweep has ${s.plan.cells.length} cells (0..${s.plan.cells.length - 1}).`);
    const t0 = performance.now();
    try {
      const { resumed } = await ensureCell(s.store, c.config, o);
      log(`cell ${i} ${cellLabel(c.config)}: ${resumed ? 'already done' : `done in ${((performance.now() - t0) / 1000).toFixed(1)} s`}`);
    } catch (e) {
      failed++;
      log(`cell ${i} ${cellLabel(c.config)}: FAILED: ${(e as Error).stack ?? String(e)}`);
    }
  }
  return failed;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset } from '../../data/dataset';
import { init } from '../../engine/init';
import { writeFileAtomic } from '../../io/atomic';
import type { Classifier } from '../../models/classifier';
import { saveCheckpoint } from '../../models/checkpoint';
import { predict } from '../../train/evaluate';
import type { ProgressSink } from '../../train/progress';
import { getUnlearner, unlearnerNames, type UnlearnInputs, type UnlearnResult } from '../../unlearn';
import { RUN_FLAGS, RUN_FLAG_HELP, type ExperimentInfo, type RunOptions } from './experiment';
import type { ResultsTable, MeanCi } from '../../results';
import { disposeScenario, prepareScenario, type ForgetRequest, type Scenario, type ScenarioOptions } from './scenario';

/**
 * The shared harness of every runner: option and seed checks, the method list, logging, the engine's
 * backend, run time, and scenarios and unlearned models that are freed whatever happens.
 */
export interface Run {
  name: string;
  /** Number of seeds; the runner uses seeds 0..seeds-1. Throws when RunOptions.seed is set (use seedList). */
  readonly seeds: number;
  /** The seeds to run, in order: 0..seeds-1, or the one seed of RunOptions.seed. */
  readonly seedList: readonly number[];
  /** The methods to run (the caller's, else the preset's), each known to the registry. */
  methods: string[];
  log: (line: string) => void;
  onProgress?: ProgressSink;
  /** The compute backend init() chose (reported in every result). */
  backend: string;
  /** Seconds since the run started. */
  seconds(): number;
  /**
   * Keeps what RunOptions.save asks for of one measured model, under the run's results folder:
   * models/<name>.ckpt (a checkpoint) and losses/<name>.json (per-sample ids, labels and losses on each
   * set). Does nothing without `save`. `name` names the run, e.g. 'uniform-10-cf-seed0'.
   */
  keep(name: string, model: Classifier, sets: Record<string, Dataset>): Promise<void>;
  /** Prepares one seed's scenario (data split, cached or trained original model), hands it to `use`, then frees its model. */
  withScenario<T>(setting: Pick<ScenarioOptions, 'data' | 'recipe'>, request: ForgetRequest, seed: number, use: (s: Scenario) => Promise<T>): Promise<T>;
}

/** Rejects options the experiment does not declare: the CLI never offers them, and a runner would ignore them. */
export function checkRunOptions(e: ExperimentInfo, o: RunOptions): void {
  for (const f of RUN_FLAGS) {
    if (o[f] === undefined || e.flags.includes(f)) continue;
    const takes = ['--preset', ...e.flags.map((x) => `--${x}`)].join(', ');
    throw new Error(`${e.name}: ${RUN_FLAG_HELP[f].usage.split(' ')[0]} is not an option of this experiment (its preset sets it). It takes: ${takes}.`);
  }
}

/** The one seed of RunOptions.seed, checked (a non-negative integer, not with `seeds`, only where 'seeds' is a flag); null when unset. */
function checkSeed(e: ExperimentInfo, o: RunOptions): number | null {
  if (o.seed === undefined) return null;
  if (!e.flags.includes('seeds')) throw new Error(`${e.name}: seed is not an option of this experiment (it takes no seeds flag).`);
  if (!Number.isInteger(o.seed) || o.seed < 0) throw new Error(`${e.name}: seed must be a non-negative integer, got ${JSON.stringify(o.seed)}.`);
  if (o.seeds !== undefined) throw new Error(`${e.name}: pass either seed (run that one seed) or seeds (run seeds 0..n-1), not both.`);
  return o.seed;
}

/** Checks a method list against the unlearning registry (the registry's error names the known methods). */
export function checkMethods(experiment: string, methods: readonly string[]): void {
  if (methods.length === 0) throw new Error(`${experiment}: no methods given; pass at least one of: ${unlearnerNames().join(', ')}.`);
  for (const m of methods) getUnlearner(m);
}

/**
 * Starts a run: checks the options against the experiment's flags, the seed count (`o.seeds`, else
 * `defaults.seeds`, else 1) and the methods (`o.methods`, else `defaults.methods`; only checked when the
 * experiment runs methods), and initialises the engine.
 */
export async function startRun(e: ExperimentInfo, o: RunOptions, defaults: { seeds?: number; methods?: readonly string[] } = {}): Promise<Run> {
  checkRunOptions(e, o);
  const seeds = o.seeds ?? defaults.seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`${e.name}: seeds must be a positive integer, got ${JSON.stringify(o.seeds)}.`);
  const only = checkSeed(e, o);
  const seedList = only == null ? Array.from({ length: seeds }, (_, i) => i) : [only];
  const methods = [...(o.methods ?? defaults.methods ?? [])];
  if (o.methods !== undefined || defaults.methods !== undefined) checkMethods(e.name, methods);
  const save = o.save ?? [];
  const unknownSave = save.filter((x) => x !== 'models' && x !== 'losses');
  if (unknownSave.length > 0) throw new Error(`${e.name}: --save takes models and/or losses, not ${unknownSave.join(', ')}.`);
  if (save.length > 0 && o.outDir == null) throw new Error(`${e.name}: --save needs the results folder (outDir) to write into; run it through runExperiment or the CLI.`);
  const t0 = performance.now();
  const engine = await init({ log: false });
  return {
    name: e.name,
    get seeds(): number {
      // A runner that loops 0..seeds-1 itself would run every seed, not the one asked for.
      if (only != null) throw new Error(`${e.name}: its runner loops over seeds 0..n-1 (Run.seeds), so it cannot run seed ${only} alone; loop over Run.seedList instead.`);
      return seeds;
    },
    seedList,
    methods,
    log: o.log ?? (() => {}),
    onProgress: o.onProgress,
    backend: engine.backend,
    seconds: () => (performance.now() - t0) / 1000,
    async keep(name, model, sets) {
      const safe = name.replace(/[^a-zA-Z0-9.+-]+/g, '-');
      if (save.includes('models')) {
        fs.mkdirSync(path.join(o.outDir!, 'models'), { recursive: true });
        await saveCheckpoint(model, path.join(o.outDir!, 'models', `${safe}.ckpt`), { run: name, experiment: e.name });
      }
      if (save.includes('losses')) {
        const out: Record<string, { ids: number[]; labels: number[]; losses: number[] }> = {};
        for (const [set, ds] of Object.entries(sets)) {
          const p = await predict(model, ds);
          out[set] = { ids: Array.from(ds.ids), labels: Array.from(ds.labels), losses: Array.from(p.losses) };
        }
        fs.mkdirSync(path.join(o.outDir!, 'losses'), { recursive: true });
        writeFileAtomic(path.join(o.outDir!, 'losses', `${safe}.json`), `${JSON.stringify({ run: name, experiment: e.name, ...out })}\n`);
      }
    },
    async withScenario(setting, request, seed, use) {
      const s = await prepareScenario({ data: setting.data, recipe: setting.recipe, request, seed, onProgress: o.onProgress, cacheDir: o.cacheDir, dataDir: o.dataDir, log: o.log });
      try {
        return await use(s);
      } finally {
        disposeScenario(s);
      }
    },
  };
}

/** Runs an unlearning method and hands its result to `use`; the unlearned model is freed afterwards either way. */
export async function withUnlearned<T>(method: string, inputs: UnlearnInputs, use: (res: UnlearnResult) => T | Promise<T>): Promise<T> {
  const res = await getUnlearner(method).run(inputs);
  try {
    return await use(res);
  } finally {
    res.model.dispose();
  }
}

/** A cell of a results table, or null when the method has no such scenario or metric (tables beside the paper show it empty). */
export function cellOrNull(t: ResultsTable, method: string, scenario: string, metric: string): MeanCi | null {
  return t.rows.find((r) => r.method === method && r.scenario === scenario)?.cells[metric] ?? null;
}

/** A metric's mean, or NaN when absent (for sentences and ratios built from the numbers). */
export function meanOrNaN(t: ResultsTable, method: string, scenario: string, metric: string): number {
  return cellOrNull(t, method, scenario, metric)?.mean ?? NaN;
}

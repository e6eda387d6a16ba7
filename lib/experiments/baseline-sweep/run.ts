import { createHash } from 'node:crypto';
import { size } from '../../data/dataset';
import { partitionDataset } from '../../condense/partition';
import { reduceRetainSet, type ReducedRetainSet } from '../../condense/reduced-retain';
import { ResultsTable, type RunRecord } from '../../results';
import { HEALTHY } from '../../unlearn';
import type { RunOptions } from '../shared/experiment';
import { startRun, withUnlearned } from '../shared/harness';
import { measureUnlearning, statusLabel, type UnlearnMeasures } from '../shared/measure';
import { percent } from '../shared/percent';
import { methodConfig, presetOf, type PresetName } from '../shared/presets';
import { AVG_GAP, ORIGINAL, RETRAIN, retrainGapRuns } from '../shared/retrain-gap';
import { scenarioSizes, trainingCodeVersion, type ForgetRequest, type Scenario } from '../shared/scenario';
// The resumable cell store the memorisation-regime sweep introduced (one progress format for both).
import { ProgressStore, PROGRESS_VERSION } from '../memorisation-regime/progress';
import { BASELINE_SWEEP, BASELINE_SWEEP_PRESETS, configLabel, RETAIN_SETS, type BaselineSweepPreset, type RetainSet } from './settings';

/** Original and Retrain on one seed: the two rows every config is read against. */
export interface ReferenceCell {
  key: string;
  kind: 'reference';
  seed: number;
  sizes: Record<string, number>;
  original: UnlearnMeasures;
  retrain: UnlearnMeasures & { seconds: number };
  code: string;
  finishedAt: string;
}

/** One config of one method on one retain set and seed. */
export interface ConfigCell {
  key: string;
  kind: 'config';
  seed: number;
  method: string;
  retainSet: RetainSet;
  /** The grid entry (the swept fields) and the config the method ran with (base + entry). */
  entry: Record<string, unknown>;
  config: Record<string, unknown>;
  measures: UnlearnMeasures;
  /** Unlearning wall time (the method call only). */
  seconds: number;
  /** Size of the retain set the method trained on (full, or Blend-reduced). */
  retainUsed: number;
  code: string;
  finishedAt: string;
}

export type SweepCell = ReferenceCell | ConfigCell;

/** The config a (method, retain set) is best run with: the lowest mean Avg. Gap to Retrain over seeds, among healthy runs. */
export interface SweepChoice {
  method: string;
  retainSet: RetainSet;
  entry: Record<string, unknown>;
  config: Record<string, unknown>;
  seeds: number;
  avgGap: number;
  mia: number;
  miaRetrain: number;
  forgetAcc: number;
  testAcc: number;
  seconds: number;
}

export interface BaselineSweepResult {
  experiment: 'baseline-sweep';
  /** The progress-file format: results.json doubles as the progress of a finished run. */
  version: number;
  preset: PresetName;
  backend: string;
  forgetFraction: number;
  cells: SweepCell[];
  /** Always empty: the shared progress format (memorisation-regime/progress.ts) has a LiRA list this experiment does not use. */
  lira: never[];
  choices: SweepChoice[];
  computed: number;
  resumed: number;
  progressFile: string | null;
  seconds: number;
}

const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

/** What determines the reference rows: data, the original's recipe, Retrain's config, the forget share and the seed. */
export function referenceKey(p: BaselineSweepPreset, seed: number): string {
  return hash({ data: p.data, recipe: p.recipe, retrain: methodConfig(p.methodPreset, 'retrain', 'full'), forgetFraction: p.forgetFraction, seed });
}

/** What determines a config cell: the reference's inputs, the partition and Blend settings (blend only), the method and its full config. */
export function configKey(p: BaselineSweepPreset, seed: number, method: string, retainSet: RetainSet, config: Record<string, unknown>): string {
  return hash({ data: p.data, recipe: p.recipe, forgetFraction: p.forgetFraction, seed, method, retainSet, config, ...(retainSet === 'blend' ? { partition: p.partition, blend: p.blend } : {}) });
}

export function cellConfig(p: BaselineSweepPreset, method: string, retainSet: RetainSet, entry: Record<string, unknown>): Record<string, unknown> {
  return { ...(p.base[retainSet][method] ?? {}), ...entry };
}

/** The runs of the sweep as result-table records: Original and Retrain under each retain set, each config as '<method>: <entry>'. */
export function sweepRuns(cells: readonly SweepCell[]): RunRecord[] {
  const four = (m: UnlearnMeasures) => ({ retainAcc: m.retainAcc, forgetAcc: m.forgetAcc, testAcc: m.testAcc, mia: m.mia });
  const runs: RunRecord[] = [];
  for (const set of RETAIN_SETS) {
    for (const c of cells) {
      if (c.kind !== 'reference') continue;
      runs.push({ method: ORIGINAL, scenario: set, seed: c.seed, metrics: four(c.original) });
      runs.push({ method: RETRAIN, scenario: set, seed: c.seed, metrics: { ...four(c.retrain), seconds: c.retrain.seconds } });
    }
    for (const c of cells) {
      if (c.kind !== 'config' || c.retainSet !== set) continue;
      runs.push({ method: statusLabel(`${c.method}: ${configLabel(c.entry)}`, c.measures), scenario: set, seed: c.seed, metrics: { ...four(c.measures), seconds: c.seconds } });
    }
  }
  return runs;
}

/** Every run with its Avg. Gap to Retrain (same seed) added to its metrics: mean +- 95% CI over seeds. */
export function sweepTable(cells: readonly SweepCell[]): ResultsTable {
  const runs = sweepRuns(cells);
  const gaps = new Map(retrainGapRuns(runs).map((g) => [JSON.stringify([g.method, g.scenario, String(g.seed)]), g.metrics[AVG_GAP]]));
  return ResultsTable.fromRuns(
    runs.map((r) => {
      const g = gaps.get(JSON.stringify([r.method, r.scenario, String(r.seed)]));
      return g == null ? r : { ...r, metrics: { ...r.metrics, [AVG_GAP]: g } };
    }),
  );
}

/** Per (method, retain set) of the grid, the healthy config with the lowest mean Avg. Gap over seeds. */
export function chooseConfigs(cells: readonly SweepCell[]): SweepChoice[] {
  const table = sweepTable(cells);
  const configs = cells.filter((c): c is ConfigCell => c.kind === 'config');
  const out: SweepChoice[] = [];
  for (const set of RETAIN_SETS) {
    const methods = [...new Set(configs.filter((c) => c.retainSet === set).map((c) => c.method))];
    for (const method of methods) {
      const entries = new Map<string, ConfigCell>();
      for (const c of configs) if (c.retainSet === set && c.method === method) entries.set(configLabel(c.entry), c);
      let best: SweepChoice | null = null;
      for (const [label, c] of entries) {
        // A flagged run ('diverged', 'chance') carries its status in the label, so it is no row here.
        const row = table.rows.find((r) => r.method === `${method}: ${label}` && r.scenario === set);
        const gap = row?.cells[AVG_GAP];
        if (row == null || gap == null) continue;
        const retrain = table.rows.find((r) => r.method === RETRAIN && r.scenario === set);
        const choice: SweepChoice = {
          method,
          retainSet: set,
          entry: c.entry,
          config: c.config,
          seeds: gap.n,
          avgGap: gap.mean,
          mia: row.cells.mia.mean,
          miaRetrain: retrain?.cells.mia.mean ?? NaN,
          forgetAcc: row.cells.forgetAcc.mean,
          testAcc: row.cells.testAcc.mean,
          seconds: row.cells.seconds?.mean ?? NaN,
        };
        if (best == null || choice.avgGap < best.avgGap) best = choice;
      }
      if (best) out.push(best);
    }
  }
  return out;
}

export interface BaselineSweepOptions extends RunOptions {
  /** A grid to run instead of the preset's (tests). */
  grid?: BaselineSweepPreset['grid'];
}

function checkCell(c: unknown, where: string): void {
  const x = c as { kind?: unknown; original?: UnlearnMeasures; retrain?: UnlearnMeasures; measures?: UnlearnMeasures } | null;
  if (x?.kind !== 'reference' && x?.kind !== 'config') throw new Error(`${where} has kind ${JSON.stringify(x?.kind)}, not 'reference' or 'config'.`);
  const measures = x.kind === 'reference' ? [x.original, x.retrain] : [x.measures];
  for (const m of measures) {
    for (const k of ['retainAcc', 'forgetAcc', 'testAcc', 'mia'] as const) {
      if (typeof m?.[k] !== 'number' || !Number.isFinite(m[k])) throw new Error(`${where}: ${k} is ${JSON.stringify(m?.[k])}, not a finite number.`);
    }
  }
}

/**
 * Table 1's methods over a grid of hyperparameters on the 10% uniform forget request, on the full and on
 * the Blend-reduced retain set, each config read against Retrain on the same seed (Avg. Gap), and the
 * config with the lowest mean Avg. Gap chosen per method and retain set. Every finished cell is kept in
 * `<outDir>/progress.json`, so a killed run, or a later run with more seeds, recomputes nothing.
 */
export async function runBaselineSweep(o: BaselineSweepOptions): Promise<BaselineSweepResult> {
  const p0 = presetOf(BASELINE_SWEEP_PRESETS, o.preset);
  const p: BaselineSweepPreset = o.grid ? { ...p0, grid: o.grid } : p0;
  const gridMethods = Object.keys(p.grid);
  const run = await startRun(BASELINE_SWEEP, o, { seeds: p.seeds, methods: gridMethods });
  for (const m of run.methods) {
    if (!gridMethods.includes(m)) throw new Error(`baseline-sweep: method '${m}' has no grid in preset '${o.preset}'. Swept methods: ${gridMethods.join(', ')}.`);
  }
  const store = ProgressStore.open<SweepCell, never>(BASELINE_SWEEP.name, o.outDir, { cell: checkCell, lira: () => {} }, run.log);
  if (store.size > 0) run.log(`resuming: ${store.size} finished cell(s) found in ${o.outDir}`);
  const cells: SweepCell[] = [];
  let computed = 0;
  let resumed = 0;
  const request: ForgetRequest = { kind: 'uniform', fraction: p.forgetFraction };
  for (const seed of run.seedList) {
    // Which cells this seed still needs: a seed whose cells are all stored does not even load its scenario.
    const refKey = referenceKey(p, seed);
    const todo = run.methods.flatMap((method) =>
      RETAIN_SETS.flatMap((set) =>
        p.grid[method].map((entry) => {
          const config = cellConfig(p, method, set, entry);
          return { method, set, entry, config, key: configKey(p, seed, method, set, config) };
        }),
      ),
    );
    const stored = (key: string) => store.cell(key);
    if (stored(refKey) && todo.every((t) => stored(t.key))) {
      cells.push(stored(refKey)!, ...todo.map((t) => stored(t.key)!));
      resumed += 1 + todo.length;
      continue;
    }
    await run.withScenario(p, request, seed, async (s: Scenario) => {
      let ref = stored(refKey) as ReferenceCell | undefined;
      if (ref) resumed++;
      else {
        const original = await measureUnlearning(s.original, s, seed, HEALTHY);
        const inputs = { original: s.original, retain: s.retain, forget: s.forget, testPool: s.testPool, config: methodConfig(p.methodPreset, 'retrain', 'full'), seed, onProgress: run.onProgress };
        const retrain = await withUnlearned('retrain', inputs, async (res) => ({ ...(await measureUnlearning(res.model, s, seed, res.health)), seconds: res.timing.seconds }));
        ref = { key: refKey, kind: 'reference', seed, sizes: scenarioSizes(s), original, retrain, code: trainingCodeVersion(), finishedAt: new Date().toISOString() };
        store.addCell(ref);
        computed++;
      }
      cells.push(ref);
      run.log(`seed ${seed}: original forget ${percent(ref.original.forgetAcc).toFixed(2)} test ${percent(ref.original.testAcc).toFixed(2)} MIA ${ref.original.mia.toFixed(1)}; ` +
        `Retrain forget ${percent(ref.retrain.forgetAcc).toFixed(2)} test ${percent(ref.retrain.testAcc).toFixed(2)} MIA ${ref.retrain.mia.toFixed(1)}`);
      let reduced: ReducedRetainSet | null = null;
      for (const t of todo) {
        const done = stored(t.key) as ConfigCell | undefined;
        if (done) {
          cells.push(done);
          resumed++;
          continue;
        }
        if (t.set === 'blend' && reduced == null) {
          const partition = await partitionDataset(s.train, { ...p.partition, seed });
          reduced = await reduceRetainSet(s.train, partition, s.forget.ids, { ...p.blend, seed });
          run.log(`seed ${seed}: Blend-reduced retain set ${size(reduced.dataset)}/${size(s.retain)}`);
        }
        const retain = t.set === 'blend' ? reduced!.dataset : s.retain;
        const inputs = { original: s.original, retain, forget: s.forget, testPool: s.testPool, config: t.config, seed, onProgress: run.onProgress };
        const cell = await withUnlearned(t.method, inputs, async (res): Promise<ConfigCell> => ({
          key: t.key,
          kind: 'config',
          seed,
          method: t.method,
          retainSet: t.set,
          entry: t.entry,
          config: t.config,
          measures: await measureUnlearning(res.model, s, seed, res.health),
          seconds: res.timing.seconds,
          retainUsed: size(retain),
          code: trainingCodeVersion(),
          finishedAt: new Date().toISOString(),
        }));
        store.addCell(cell);
        computed++;
        cells.push(cell);
        const m = cell.measures;
        run.log(`  ${t.method} [${t.set}] ${configLabel(t.entry)}: forget ${percent(m.forgetAcc).toFixed(2)} test ${percent(m.testAcc).toFixed(2)} MIA ${m.mia.toFixed(1)} ` +
          `(Retrain ${ref.retrain.mia.toFixed(1)}) ${cell.seconds.toFixed(1)} s${m.status === 'ok' ? '' : ` [${m.status}]`}`);
      }
    });
  }
  return {
    experiment: 'baseline-sweep',
    version: PROGRESS_VERSION,
    preset: o.preset,
    backend: run.backend,
    forgetFraction: p.forgetFraction,
    cells,
    lira: [],
    choices: chooseConfigs(cells),
    computed,
    resumed,
    progressFile: store.file,
    seconds: run.seconds(),
  };
}

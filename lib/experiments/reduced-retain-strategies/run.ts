import { HEALTHY, type HealthStatus } from '../../unlearn';
import { size, subsetByIds, type Dataset } from '../../data/dataset';
import { classSplit } from '../../data/splits';
import { PhaseTimer } from '../../engine/timer';
import { blend } from '../../condense/blend';
import { fSample } from '../../condense/f-sampling';
import { partitionDataset, type Partition } from '../../condense/partition';
import { reduceRetainSet } from '../../condense/reduced-retain';
import { ResultsTable, type RunRecord } from '../../results';
import type { Classifier } from '../../models/classifier';
import { accuracy } from '../../train/evaluate';
import type { RunOptions } from '../shared/experiment';
import { startRun, withUnlearned } from '../shared/harness';
import { measureUnlearning, metricsOf, statusLabel } from '../shared/measure';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import { ORIGINAL, RETRAIN, referencesFirst } from '../shared/retrain-gap';
import { REDUCED_RETAIN_PRESETS, REDUCED_RETAIN_STRATEGIES, RETAIN_STRATEGIES, type ReducedRetainPreset, type RetainStrategy } from './settings';

/** One training set given to L1-sparse, and what it did. */
export interface StrategyRow {
  seed: number;
  strategy: RetainStrategy;
  label: string;
  /** Images in the training set and how long building it took (re-clustering + Blend; 0 for raw sets). */
  trainSize: number;
  buildSeconds: number;
  retainAcc: number;
  forgetAcc: number;
  freeRetainAcc: number;
  residualRetainAcc: number;
  testAcc: number;
  mia: number;
  /** The divergence guard's verdict (shared/measure.ts); absent in results written before it. */
  status?: HealthStatus;
  statusReason?: string;
  /** L1-sparse wall time (s) and as % of strategy (1) of the same seed. */
  seconds: number;
  timePercent: number;
}

/**
 * What the training sets are read against, per seed: the original model (no unlearning; trainSize = the
 * training set it saw) and Retrain (from scratch on the full retain set R; its time also as % of set (1)).
 */
export interface ReferenceRow {
  seed: number;
  model: typeof ORIGINAL | typeof RETRAIN;
  trainSize: number;
  retainAcc: number;
  forgetAcc: number;
  freeRetainAcc: number;
  residualRetainAcc: number;
  testAcc: number;
  mia: number;
  status: HealthStatus;
  statusReason: string;
  /** Retrain's wall time (s) and as % of set (1) of the same seed; NaN for the original. */
  seconds: number;
  timePercent: number;
}

export interface RatioRow {
  seed: number;
  request: string;
  retain: number;
  residual: number;
  blended: number;
  reduced: number;
  ratio: number;
}

export interface ReducedRetainResult {
  experiment: 'reduced-retain-strategies';
  preset: PresetName;
  backend: string;
  dataset: string;
  k: number;
  rows: StrategyRow[];
  /** Original and Retrain per seed (absent in results written before they were measured). */
  references?: ReferenceRow[];
  /** Mean and 95 % CI over seeds, one row per strategy (its label; scenario 'uniform'), Original and Retrain first. */
  table: ResultsTable;
  ratios: RatioRow[];
  setups: { seed: number; sizes: Record<string, number>; originalTestAcc: number; originalSource: string; kmeansSeconds: number }[];
  l1: Record<string, unknown>;
  retrain?: Record<string, unknown>;
  notes: string[];
  seconds: number;
}

function minClassCount(ds: Dataset): number {
  const counts = new Map<number, number>();
  ds.labels.forEach((y) => counts.set(y, (counts.get(y) ?? 0) + 1));
  return Math.min(...counts.values());
}

/** Blend over a new k-means partition of `ds` (new random extractor), as the reference's v1/v3/v5. */
async function blendReclustered(ds: Dataset, p: ReducedRetainPreset, seed: number, tag: string): Promise<Dataset> {
  if (size(ds) === 0) throw new Error(`reduced-retain-strategies: the set to re-cluster for ${tag} is empty; use a larger training set or forget fraction.`);
  const k = Math.min(p.partition.k, minClassCount(ds));
  const partition = await partitionDataset(ds, { ...p.partition, k, seed: `${seed}-recluster-${tag}` });
  return (await blend(ds, partition.clusters, { ...p.blend, ipc: k, seed: `${seed}-blend-${tag}` })).dataset;
}

function ratioRow(seed: number, request: string, partition: Partition, forgetIds: Iterable<number>): RatioRow {
  const s = fSample(partition, forgetIds);
  const reduced = s.residualIds.length + s.freeClusters.length;
  return { seed, request, retain: s.retainCount, residual: s.residualIds.length, blended: s.freeClusters.length, reduced, ratio: reduced / s.retainCount };
}

/**
 * Sec. 4.4 / Fig. 3: L1-sparse on each of the seven training sets under 10 % uniform forgetting;
 * forget / free-retain / residual-retain / test accuracy, MIA, time. Plus |R_reduced| / |R| for 10 %
 * uniform and one-class forgetting on the same partition.
 */
export async function runReducedRetainStrategies(o: RunOptions): Promise<ReducedRetainResult> {
  const p = presetOf(REDUCED_RETAIN_PRESETS, o.preset);
  const run = await startRun(REDUCED_RETAIN_STRATEGIES, o, { seeds: p.seeds });
  const rows: StrategyRow[] = [];
  const references: ReferenceRow[] = [];
  const ratios: RatioRow[] = [];
  const setups: ReducedRetainResult['setups'] = [];
  for (const seed of run.seedList) {
    await run.withScenario(p, { kind: 'uniform', fraction: p.fraction }, seed, async (s) => {
      const timer = new PhaseTimer();
      const partition = await partitionDataset(s.train, { ...p.partition, seed, timer });
      const sample = fSample(partition, s.forget.ids);
      const freeIds = sample.freeClusters.flatMap((c) => Array.from(c.memberIds));
      const free = subsetByIds(s.train, freeIds);
      const residual = subsetByIds(s.train, sample.residualIds);
      ratios.push(ratioRow(seed, `uniform ${Math.round(100 * p.fraction)}%`, partition, s.forget.ids));
      const classForget = classSplit(s.train, { classes: [p.ratioClass] }).forget;
      ratios.push(ratioRow(seed, `class ${p.ratioClass} (${s.train.classNames[p.ratioClass]})`, partition, classForget));
      setups.push({
        seed,
        sizes: { train: size(s.train), forget: size(s.forget), retain: size(s.retain), free: size(free), residual: size(residual), testEval: size(s.testEval) },
        originalTestAcc: s.originalTestAccuracy,
        originalSource: s.originalSource,
        kmeansSeconds: timer.seconds('kmeans'),
      });
      run.log(`seed ${seed}: original test acc ${percent(s.originalTestAccuracy).toFixed(2)}% (${s.originalSource}); R ${size(s.retain)} = free ${size(free)} + residual ${size(residual)}`);
      const build: Record<RetainStrategy, () => Dataset | Promise<Dataset>> = {
        full: () => s.retain,
        'blend-all': () => blendReclustered(s.retain, p, seed, 'all'),
        free: () => free,
        'blend-free': () => blendReclustered(free, p, seed, 'free'),
        residual: () => residual,
        'blend-residual': () => blendReclustered(residual, p, seed, 'residual'),
        reduced: async () => (await reduceRetainSet(s.train, partition, s.forget.ids, { ...p.blend, seed })).dataset,
      };
      // NaN for an empty set (no accuracy to measure); left out of the table.
      const acc = async (model: Classifier, ds: Dataset) => (size(ds) > 0 ? accuracy(model, ds) : NaN);
      const logRow = (label: string, row: Omit<StrategyRow, 'strategy' | 'label' | 'buildSeconds'>) =>
        run.log(`  ${label}: ${row.trainSize} images; forget ${percent(row.forgetAcc).toFixed(2)} free-retain ${percent(row.freeRetainAcc).toFixed(2)} ` +
          `residual-retain ${percent(row.residualRetainAcc).toFixed(2)} test ${percent(row.testAcc).toFixed(2)} MIA ${row.mia.toFixed(1)}` +
          (Number.isFinite(row.seconds) ? ` time ${row.seconds.toFixed(1)} s (${row.timePercent.toFixed(0)} %)` : ''));
      // The original model on the same sets: what unlearning starts from (measured, not trained).
      const original: ReferenceRow = {
        seed,
        model: ORIGINAL,
        trainSize: size(s.train),
        ...(await measureUnlearning(s.original, s, seed, HEALTHY)),
        freeRetainAcc: await acc(s.original, free),
        residualRetainAcc: await acc(s.original, residual),
        seconds: NaN,
        timePercent: NaN,
      };
      logRow('Original', original);
      let fullSeconds = NaN;
      for (const st of RETAIN_STRATEGIES) {
        const b0 = performance.now();
        const trainSet = await build[st.key]();
        const buildSeconds = (performance.now() - b0) / 1000;
        const inputs = { original: s.original, retain: trainSet, forget: s.forget, testPool: s.testPool, config: p.l1, seed, onProgress: run.onProgress };
        const row = await withUnlearned('l1-sparse', inputs, async (res): Promise<StrategyRow> => {
          if (st.key === 'full') fullSeconds = res.timing.seconds;
          return {
            seed,
            strategy: st.key,
            label: st.label,
            trainSize: size(trainSet),
            buildSeconds: st.key === 'full' || st.key === 'free' || st.key === 'residual' ? 0 : buildSeconds,
            ...(await measureUnlearning(res.model, s, seed, res.health)),
            freeRetainAcc: await acc(res.model, free),
            residualRetainAcc: await acc(res.model, residual),
            seconds: res.timing.seconds,
            timePercent: (100 * res.timing.seconds) / fullSeconds,
          };
        });
        rows.push(row);
        logRow(st.label, row);
      }
      // Retrain after the strategies, so its time can be given as % of set (1)'s.
      const retrainInputs = { original: s.original, retain: s.retain, forget: s.forget, testPool: s.testPool, config: p.retrain, seed, onProgress: run.onProgress };
      const retrained = await withUnlearned('retrain', retrainInputs, async (res): Promise<ReferenceRow> => ({
        seed,
        model: RETRAIN,
        trainSize: size(s.retain),
        ...(await measureUnlearning(res.model, s, seed, res.health)),
        freeRetainAcc: await acc(res.model, free),
        residualRetainAcc: await acc(res.model, residual),
        seconds: res.timing.seconds,
        timePercent: (100 * res.timing.seconds) / fullSeconds,
      }));
      references.push(original, retrained);
      logRow('Retrain', retrained);
    });
  }
  return {
    experiment: 'reduced-retain-strategies',
    preset: o.preset,
    backend: run.backend,
    dataset: p.data.dataset,
    k: p.partition.k,
    rows,
    references,
    table: strategyTable(rows, references),
    ratios,
    setups,
    l1: p.l1,
    retrain: p.retrain,
    notes: p.notes,
    seconds: run.seconds(),
  };
}

/**
 * The runs of a result, one per (training set, seed), labelled as in the tables, with Original's and
 * Retrain's first (label 'original' / 'retrain'; a flagged run keeps its mark); scenario 'uniform'.
 */
export function strategyRuns(rows: readonly StrategyRow[], references: readonly ReferenceRow[] = []): RunRecord[] {
  return referencesFirst([
    ...references.map((r) => ({ method: statusLabel(r.model, r), scenario: 'uniform', seed: r.seed, metrics: metricsOf(r, STRATEGY_METRICS) })),
    ...rows.map((r) => ({ method: statusLabel(r.label, r), scenario: 'uniform', seed: r.seed, metrics: metricsOf(r, STRATEGY_METRICS) })),
  ]);
}

/** Mean and 95 % CI over seeds, one row per strategy (scenario '10% uniform'), Original and Retrain first when given. */
export function strategyTable(rows: readonly StrategyRow[], references: readonly ReferenceRow[] = []): ResultsTable {
  return ResultsTable.fromRuns(strategyRuns(rows, references));
}

/** The table's metrics, in column order. */
const STRATEGY_METRICS = ['trainSize', 'forgetAcc', 'freeRetainAcc', 'residualRetainAcc', 'retainAcc', 'testAcc', 'mia', 'seconds', 'timePercent', 'buildSeconds'];

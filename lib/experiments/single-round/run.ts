import { size } from '../../data/dataset';
import { PhaseTimer } from '../../engine/timer';
import { partitionDataset, type Partition } from '../../condense/partition';
import { reduceRetainSet, type ReducedRetainSet } from '../../condense/reduced-retain';
import { ResultsTable, type RunRecord } from '../../results';
import { HEALTHY } from '../../unlearn';
import type { RunOptions } from '../shared/experiment';
import { startRun, withUnlearned } from '../shared/harness';
import { measureUnlearning, statusLabel, type UnlearnMeasures } from '../shared/measure';
import { percent } from '../shared/percent';
import { methodConfig, presetOf, type PresetName } from '../shared/presets';
import { ORIGINAL, referencesFirst } from '../shared/retrain-gap';
import { describeForget, parseForgetRequest, scenarioSizes, type ForgetRequest } from '../shared/scenario';
import { SINGLE_ROUND, SINGLE_ROUND_PRESETS } from './settings';

/** One method run on one seed and one forget request, with or without the Blend-reduced retain set. */
export interface SingleRoundRow extends UnlearnMeasures {
  seed: number;
  scenario: string;
  method: string;
  blend: boolean;
  /** Unlearning wall time (s), as the reference times it (the method call only). */
  seconds: number;
  /** Pre-processing seconds of the Blend variant (k-means, F-sampling, condensation); 0 without Blend. */
  kmeansSeconds: number;
  samplingSeconds: number;
  condensationSeconds: number;
  /** Training-set size the method saw (full retain or the reduced set). */
  retainUsed: number;
}

/** The original model measured on one seed and forget request, as the methods are (no training): what unlearning starts from. */
export interface OriginalRow extends UnlearnMeasures {
  seed: number;
  scenario: string;
}

export interface SingleRoundResult {
  experiment: 'single-round';
  preset: PresetName;
  backend: string;
  rows: SingleRoundRow[];
  /** The original model on each scenario and seed (absent in results written before it was measured). */
  originals?: OriginalRow[];
  /** Mean and 95% CI over seeds, per method ('<method>' or '<method>+blend', and 'original') and scenario. */
  table: ResultsTable;
  /** Per scenario and seed: sizes, original model test accuracy (fraction), reduced-retain ratio. */
  setups: { seed: number; scenario: string; sizes: Record<string, number>; originalTestAcc: number; originalSource: string; reducedRatio: number }[];
  seconds: number;
}

export interface SingleRoundOptions extends RunOptions {
  /** Forget requests (default: the preset's: 10% uniform and one class). */
  requests?: ForgetRequest[];
  /** Run each method without Blend, with Blend, or both (default both). */
  variants?: ('full' | 'blend')[];
}

/** True when the partition was computed on exactly these sample ids (same training set). */
function coversExactly(p: Partition, ids: Int32Array): boolean {
  return p.clusterOf.size === ids.length && ids.every((id) => p.clusterOf.has(id));
}

/**
 * Tables 1-4 of the Blend/A-AMU paper (Sec. 4.3): for each seed and forget request, every method on
 * the full retain set and on the Blend-reduced retain set; retain / forget / test accuracy, MIA score,
 * unlearning time and the pre-processing time split.
 */
export async function runSingleRound(o: SingleRoundOptions): Promise<SingleRoundResult> {
  const p = presetOf(SINGLE_ROUND_PRESETS, o.preset);
  const run = await startRun(SINGLE_ROUND, o, { seeds: p.seeds, methods: p.methods });
  const variants = o.variants ?? ['full', 'blend'];
  const requests = o.requests ?? (o.forget != null ? [parseForgetRequest(o.forget)] : p.requests);
  const rows: SingleRoundRow[] = [];
  const originals: OriginalRow[] = [];
  const setups: SingleRoundResult['setups'] = [];
  for (const seed of run.seedList) {
    // k-means runs once per seed; every forget request of that seed reuses the partition (and reports its time).
    let partition: { value: Partition; seconds: number } | null = null;
    for (const request of requests) {
      const scenario = describeForget(request);
      await run.withScenario(p, request, seed, async (s) => {
        const timer = new PhaseTimer();
        let reduced: ReducedRetainSet | null = null;
        if (variants.includes('blend')) {
          if (partition == null || !coversExactly(partition.value, s.train.ids)) {
            const kt = new PhaseTimer();
            const value = await partitionDataset(s.train, { ...p.partition, seed, timer: kt });
            partition = { value, seconds: kt.seconds('kmeans') };
          }
          timer.add('kmeans', partition.seconds);
          reduced = await reduceRetainSet(s.train, partition.value, s.forget.ids, { ...p.blend, seed, timer });
        }
        const pre = timer.record();
        setups.push({
          seed,
          scenario,
          sizes: { ...scenarioSizes(s), ...(reduced ? { reducedRetain: size(reduced.dataset) } : {}) },
          originalTestAcc: s.originalTestAccuracy,
          originalSource: s.originalSource,
          reducedRatio: reduced?.ratio ?? NaN,
        });
        const original: OriginalRow = { seed, scenario, ...(await measureUnlearning(s.original, s, seed, HEALTHY)) };
        originals.push(original);
        run.log(`seed ${seed}, ${scenario}: original retain ${percent(original.retainAcc).toFixed(2)} forget ${percent(original.forgetAcc).toFixed(2)} MIA ${original.mia.toFixed(1)}, test acc ${percent(s.originalTestAccuracy).toFixed(2)}% (${s.originalSource})` +
          (reduced ? `, reduced retain ${size(reduced.dataset)}/${size(s.retain)} (${(100 * reduced.ratio).toFixed(1)}%)` : ''));
        for (const method of run.methods) {
          for (const variant of variants) {
            const retain = variant === 'blend' && reduced ? reduced.dataset : s.retain;
            const inputs = { original: s.original, retain, forget: s.forget, testPool: s.testPool, config: methodConfig(p.methodPreset, method, variant), seed, onProgress: run.onProgress };
            const row = await withUnlearned(method, inputs, async (res): Promise<SingleRoundRow> => {
              await run.keep(`${scenario}-${method}${variant === 'blend' ? '+blend' : ''}-seed${seed}`, res.model, { forget: s.forget, retain: s.retain, test: s.testEval });
              return {
                seed,
                scenario,
                method,
                blend: variant === 'blend',
                ...(await measureUnlearning(res.model, s, seed, res.health)),
                seconds: res.timing.seconds,
                kmeansSeconds: variant === 'blend' ? (pre.kmeans ?? 0) : 0,
                samplingSeconds: variant === 'blend' ? (pre.sampling ?? 0) : 0,
                condensationSeconds: variant === 'blend' ? (pre.condensation ?? 0) : 0,
                retainUsed: size(retain),
              };
            });
            rows.push(row);
            run.log(`  ${method}${row.blend ? '+blend' : ''}: retain ${percent(row.retainAcc).toFixed(2)} forget ${percent(row.forgetAcc).toFixed(2)} ` +
              `test ${percent(row.testAcc).toFixed(2)} MIA ${row.mia.toFixed(1)} time ${row.seconds.toFixed(1)}s`);
          }
        }
      });
    }
  }
  return { experiment: 'single-round', preset: o.preset, backend: run.backend, rows, originals, table: singleRoundTable(rows, originals), setups, seconds: run.seconds() };
}

/**
 * The runs of a result, one per (method[+blend], scenario, seed), with the original model's first
 * ('original': accuracies and MIA, no times) and Retrain's next.
 */
export function singleRoundRuns(rows: readonly SingleRoundRow[], originals: readonly OriginalRow[] = []): RunRecord[] {
  return referencesFirst([
    ...originals.map((o) => ({ method: statusLabel(ORIGINAL, o), scenario: o.scenario, seed: o.seed, metrics: { retainAcc: o.retainAcc, forgetAcc: o.forgetAcc, testAcc: o.testAcc, mia: o.mia } })),
    ...rows.map((r) => ({
      method: statusLabel(r.blend ? `${r.method}+blend` : r.method, r),
      scenario: r.scenario,
      seed: r.seed,
      metrics: {
        retainAcc: r.retainAcc,
        forgetAcc: r.forgetAcc,
        testAcc: r.testAcc,
        mia: r.mia,
        seconds: r.seconds,
        preSeconds: r.kmeansSeconds + r.samplingSeconds + r.condensationSeconds,
      },
    })),
  ]);
}

/** Mean and 95% CI over seeds of every metric, one row per (method[+blend], scenario); the original model's rows first when given. */
export function singleRoundTable(rows: readonly SingleRoundRow[], originals: readonly OriginalRow[] = []): ResultsTable {
  return ResultsTable.fromRuns(singleRoundRuns(rows, originals));
}

import * as tf from '@tensorflow/tfjs';
import { size, subsetByIds, type Dataset } from '../../data/dataset';
import { sequentialSplits } from '../../data/splits/sequential';
import { Rng } from '../../engine/rng';
import { MultiRoundReducer, type RoundResult } from '../../condense/multi-round';
import { ResultsTable, type RunRecord } from '../../results';
import { getUnlearner, HEALTHY, runRounds, type UnlearnRound } from '../../unlearn';
import type { RunOptions } from '../shared/experiment';
import { startRun } from '../shared/harness';
import { measureUnlearning, statusLabel, type UnlearnMeasures } from '../shared/measure';
import { percent } from '../shared/percent';
import { methodConfig, presetOf, type PresetName } from '../shared/presets';
import { ORIGINAL, referencesFirst } from '../shared/retrain-gap';
import type { Scenario } from '../shared/scenario';
import { MULTI_ROUND, MULTI_ROUND_PRESETS, type MultiRoundPreset } from './settings';

/** One method, variant and round. */
export interface MultiRoundRow extends UnlearnMeasures {
  seed: number;
  method: string;
  blend: boolean;
  round: number;
  /** The method call only. */
  unlearnSeconds: number;
  /** This round's Blend time (condensation, plus k-means in round 0); 0 without Blend. F-sampling is not counted (as the reference). */
  blendSeconds: number;
  /** unlearnSeconds + blendSeconds: the time the paper reports per round. */
  seconds: number;
  /** Samples the method trained on (the real retain set or the reduced one) and this round's forget size. */
  retainUsed: number;
  forgetSize: number;
  /** tf.memory().numTensors after the round, with the previous round's model freed (must stay flat). */
  tensors: number;
}

/** The original model measured on one round's sets (that round's real retain set and new forget set), as the methods are. */
export interface MultiRoundOriginalRow extends UnlearnMeasures {
  seed: number;
  round: number;
}

export interface MultiRoundResult {
  experiment: 'multi-round';
  preset: PresetName;
  backend: string;
  rows: MultiRoundRow[];
  /** The original model on each round's sets and seed (absent in results written before it was measured). */
  originals?: MultiRoundOriginalRow[];
  /** Mean and 95 % CI over seeds; method '<m>' or '<m>+blend' (and 'original'), scenario 'round r'. */
  table: ResultsTable;
  /** Per seed and round: real retain size, forget size, reduced size and ratio, Blend phase times. */
  reductions: { seed: number; round: number; retain: number; forget: number; cumulativeForget: number; reduced: number; ratio: number; timing: Record<string, number> }[];
  setups: { seed: number; originalTestAcc: number; originalSource: string }[];
  seconds: number;
}

export interface MultiRoundOptions extends RunOptions {
  /** Without Blend, with Blend, or both (default both). */
  variants?: ('full' | 'blend')[];
}

interface RoundData {
  retain: Dataset;
  forget: Dataset;
  cumulativeForget: number;
  reduced?: RoundResult;
}

/** The rounds' real retain/forget sets and, when asked, each round's Blend-reduced retain set. */
async function roundData(s: Scenario, p: MultiRoundPreset, withBlend: boolean): Promise<RoundData[]> {
  const rng = new Rng(s.seed);
  const splits = sequentialSplits(s.train, { rounds: p.rounds, fraction: p.fraction, seed: rng.fork('multi-round-forget') });
  const reducer = withBlend ? await MultiRoundReducer.create(s.train, { seed: s.seed, partition: p.setting.partition, blend: p.setting.blend }) : null;
  const rounds: RoundData[] = [];
  for (const r of splits) {
    rounds.push({
      retain: subsetByIds(s.train, r.retain),
      forget: subsetByIds(s.train, r.forget),
      cumulativeForget: r.cumulativeForget.length,
      reduced: await reducer?.next(r.forget),
    });
  }
  return rounds;
}

/** Blend seconds a round adds to each method's time: condensation, plus k-means in round 0 (not F-sampling). */
function blendSecondsOf(r: RoundResult): number {
  return (r.timing.kmeans ?? 0) + (r.timing.condensation ?? 0);
}

/** Runs every method through all rounds, without and/or with Blend. */
export async function runMultiRound(o: MultiRoundOptions): Promise<MultiRoundResult> {
  const p = presetOf(MULTI_ROUND_PRESETS, o.preset);
  const run = await startRun(MULTI_ROUND, o, { seeds: p.seeds, methods: p.methods });
  const variants = o.variants ?? ['full', 'blend'];
  if (variants.length === 0 || variants.some((v) => v !== 'full' && v !== 'blend')) throw new Error(`multi-round: variants must be 'full' and/or 'blend', got [${variants.join(', ')}].`);
  const log = run.log;
  const rows: MultiRoundRow[] = [];
  const originals: MultiRoundOriginalRow[] = [];
  const reductions: MultiRoundResult['reductions'] = [];
  const setups: MultiRoundResult['setups'] = [];
  const st = p.setting;
  for (const seed of run.seedList) {
    // The request only decides the original model's cache key (trained on the whole training set either way).
    await run.withScenario(st, { kind: 'uniform', fraction: p.fraction }, seed, async (s) => {
      setups.push({ seed, originalTestAcc: s.originalTestAccuracy, originalSource: s.originalSource });
      const data = await roundData(s, p, variants.includes('blend'));
      data.forEach((d, round) => {
        const red = d.reduced;
        reductions.push({
          seed,
          round,
          retain: size(d.retain),
          forget: size(d.forget),
          cumulativeForget: d.cumulativeForget,
          reduced: red ? size(red.dataset) : NaN,
          ratio: red ? red.ratio : NaN,
          timing: red ? red.timing : {},
        });
        log(`seed ${seed} round ${round}: forget ${size(d.forget)} (cumulative ${d.cumulativeForget}), retain ${size(d.retain)}` +
          (red ? `, reduced ${size(red.dataset)} (${(100 * red.ratio).toFixed(1)}%), Blend ${blendSecondsOf(red).toFixed(1)}s` : ''));
      });
      // The original model on every round's sets: what each round's unlearning is read against, besides Retrain.
      for (const [round, d] of data.entries()) {
        const m = await measureUnlearning(s.original, { retain: d.retain, forget: d.forget, testEval: s.testEval }, `${seed}/round-${round}`, HEALTHY);
        originals.push({ seed, round, ...m });
        log(`  original round ${round}: retain ${percent(m.retainAcc).toFixed(2)} forget ${percent(m.forgetAcc).toFixed(2)} test ${percent(m.testAcc).toFixed(2)} MIA ${m.mia.toFixed(1)}`);
      }
      for (const method of run.methods) {
        for (const variant of variants) {
          const blend = variant === 'blend';
          const rounds: UnlearnRound[] = data.map((d) => ({ retain: blend ? d.reduced!.dataset : d.retain, forget: d.forget, testPool: s.testPool }));
          let previous: { dispose(): void } | null = null;
          const results = await runRounds(getUnlearner(method), s.original, rounds, {
            seed,
            config: methodConfig(st.methodPreset, method, variant),
            onProgress: run.onProgress,
            onRoundEnd: async (round, res) => {
              const d = data[round];
              const m = await measureUnlearning(res.model, { retain: d.retain, forget: d.forget, testEval: s.testEval }, `${seed}/round-${round}`, res.health);
              // The next round clones this model, so the one before it is no longer needed.
              previous?.dispose();
              previous = res.model;
              const blendSeconds = blend ? blendSecondsOf(d.reduced!) : 0;
              const row: MultiRoundRow = {
                seed,
                method,
                blend,
                round,
                ...m,
                unlearnSeconds: res.timing.seconds,
                blendSeconds,
                seconds: res.timing.seconds + blendSeconds,
                retainUsed: size(rounds[round].retain),
                forgetSize: size(d.forget),
                tensors: tf.memory().numTensors,
              };
              rows.push(row);
              log(`  ${method}${blend ? '+blend' : ''} round ${round}: retain ${percent(m.retainAcc).toFixed(2)} forget ${percent(m.forgetAcc).toFixed(2)} ` +
                `test ${percent(m.testAcc).toFixed(2)} MIA ${m.mia.toFixed(1)} time ${row.seconds.toFixed(1)}s`);
            },
          });
          results[results.length - 1].model.dispose();
        }
      }
    });
  }
  return { experiment: 'multi-round', preset: o.preset, backend: run.backend, rows, originals, table: multiRoundTable(rows, originals), reductions, setups, seconds: run.seconds() };
}

/** The table's method name: '<method>' or '<method>+blend'. */
export const multiRoundLabel = (method: string, blend: boolean) => (blend ? `${method}+blend` : method);

/** The runs of a result, one per (method[+blend], round, seed), the original model's first ('original': accuracies and MIA, no times). */
export function multiRoundRuns(rows: readonly MultiRoundRow[], originals: readonly MultiRoundOriginalRow[] = []): RunRecord[] {
  return referencesFirst([
    ...originals.map((o) => ({ method: statusLabel(ORIGINAL, o), scenario: `round ${o.round}`, seed: o.seed, metrics: { retainAcc: o.retainAcc, forgetAcc: o.forgetAcc, testAcc: o.testAcc, mia: o.mia } })),
    ...rows.map((r) => ({
      method: statusLabel(multiRoundLabel(r.method, r.blend), r),
      scenario: `round ${r.round}`,
      seed: r.seed,
      metrics: { retainAcc: r.retainAcc, forgetAcc: r.forgetAcc, testAcc: r.testAcc, mia: r.mia, seconds: r.seconds, unlearnSeconds: r.unlearnSeconds, blendSeconds: r.blendSeconds },
    })),
  ]);
}

/** Mean and 95 % CI over seeds per (method[+blend], round); the original model's rows first when given. */
export function multiRoundTable(rows: readonly MultiRoundRow[], originals: readonly MultiRoundOriginalRow[] = []): ResultsTable {
  return ResultsTable.fromRuns(multiRoundRuns(rows, originals));
}

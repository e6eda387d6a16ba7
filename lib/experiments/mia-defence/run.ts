import { size } from '../../data/dataset';
import { memorisedSplit } from '../../data/splits';
import { Rng } from '../../engine/rng';
import { PhaseTimer } from '../../engine/timer';
import { collectReducedRetainSet } from '../../condense/reduced-retain';
import { neuralLossMiaOfModel } from '../../metrics/mia-neural-loss';
import { otsuThreshold } from '../../metrics/otsu';
import { overfittingScores } from '../../metrics/overfitting-metric';
import type { Classifier } from '../../models/classifier';
import { createModel } from '../../models/registry';
import { noiseForEpsilon, trainDpAdam } from '../../privacy';
import { ResultsTable, type RunRecord } from '../../results';
import { HEALTHY, presetConfig, smokeCut, type RunHealth } from '../../unlearn';
import type { RunOptions } from '../shared/experiment';
import { startRun, withUnlearned } from '../shared/harness';
import { metricsOf, statusLabel, type UnlearnMeasures } from '../shared/measure';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import { ORIGINAL, referencesFirst } from '../shared/retrain-gap';
import type { Scenario } from '../shared/scenario';
import { measureModular, prepareModular, type ModularPrepared } from '../modular-unlearning/run';
import { MIA_DEFENCE, MIA_DEFENCE_PRESETS, type DpSetting, type MemorisedSelection, type MiaDefenceSetting } from './settings';

/** The floor under the overfitting metric before its log10 (o can underflow to 0). */
export const LOG_FLOOR = 1e-12;

/** The DP-Adam model's label. */
export const DP_ADAM = 'dp-adam';

/** One model measured on one seed and one memorised set. */
export interface MiaDefenceRow extends UnlearnMeasures {
  seed: number;
  selection: MemorisedSelection;
  /** 'original', 'modular', 'retrain' or DP_ADAM. */
  method: string;
  /** The 2024 reference's MIA: loss-logistic attack accuracy x 100, memorised set vs the evaluation split (ideal 50). */
  miaLoss: number;
  /** TF Privacy's MLP attack on losses, whole training set vs the evaluation split: AUC (0.5 ideal) and advantage (0 ideal). */
  attackAuc: number;
  attackAdvantage: number;
  /** Seconds to make the model (the modular method: its online phase; DP-Adam: its whole training); NaN for the original. */
  seconds: number;
}

/** The memorised set of one seed and selection rule. */
export interface MemorisedSet {
  seed: number;
  selection: MemorisedSelection;
  /** Otsu's threshold on the overfitting metric. */
  threshold: number;
  forgetSize: number;
  trainSize: number;
  /** Share of this set that the intended rule also selects (chance: intended size / train size). */
  sharedWithIntended: number;
  /** Mean overfitting metric of the set and of the rest. */
  meanScoreForget: number;
  meanScoreRetain: number;
}

/** The DP-Adam run of one seed. */
export interface DpRecord {
  seed: number;
  epsilon: number;
  delta: number;
  noiseMultiplier: number;
  samplingRate: number;
  steps: number;
  /** Share of the last epoch's per-example gradients that were clipped. */
  clippedFraction: number;
  seconds: number;
}

export interface MiaDefenceResult {
  experiment: 'mia-defence';
  preset: PresetName;
  backend: string;
  rows: MiaDefenceRow[];
  sets: MemorisedSet[];
  dp: DpRecord[];
  /** Per seed: the overfitting metric of every training sample and Otsu's thresholds over o and over log10(o) (for the histograms). */
  scores: { seed: number; threshold: number; logThreshold: number; values: number[] }[];
  table: ResultsTable;
  seconds: number;
}

/** The 2024 paper's MIAs and the accuracies of one model on one memorised-set scenario. */
async function measureDefence(model: Classifier, s: Scenario, seed: number, health: RunHealth): Promise<Omit<MiaDefenceRow, 'seed' | 'selection' | 'method' | 'seconds'>> {
  // The retain set can be the few samples a memorising model did not fit: not a sample of the task, so only
  // the test accuracy judges whether a model sits at chance.
  const m = await measureModular(model, s, seed, health, { chanceOnRetain: false });
  const attack = await neuralLossMiaOfModel(model, s.train, s.testEval, { seed });
  return { ...m, attackAuc: attack.auc, attackAdvantage: attack.advantage };
}

/** DP-Adam from a fresh model of the recipe's architecture on the whole training set, with the noise for the target epsilon. */
async function trainDpModel(p: Pick<MiaDefenceSetting, 'recipe'>, dp: DpSetting, s: Scenario, seed: number, o: RunOptions): Promise<{ model: Classifier; record: DpRecord }> {
  const n = size(s.train);
  const samplingRate = dp.batchSize / n;
  const steps = dp.epochs * Math.ceil(n / dp.batchSize);
  const noiseMultiplier = noiseForEpsilon({ samplingRate, steps, delta: dp.delta, targetEpsilon: dp.targetEpsilon });
  const model = createModel(p.recipe.model, { inputShape: s.train.shape, numClasses: s.train.classNames.length, seed: `dp-${seed}`, options: p.recipe.modelOptions });
  try {
    const r = await trainDpAdam(model, s.train, { epochs: dp.epochs, batchSize: dp.batchSize, lr: dp.lr, clip: dp.clip, noiseMultiplier, delta: dp.delta, seed: `dp-${seed}`, onProgress: o.onProgress, task: 'dp-adam' });
    const last = r.history[r.history.length - 1];
    return { model, record: { seed, epsilon: r.epsilon, delta: dp.delta, noiseMultiplier, samplingRate, steps: r.steps, clippedFraction: last?.clippedFraction ?? NaN, seconds: r.seconds } };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * The 2024 paper's MIA defence (Fig. 3, docs/reference/modular-2024.md#b8): per seed, the overfitting metric of every
 * training sample under the pretrained model, Otsu's threshold over it, and the samples at or below it (memorised)
 * as the forget set; the modular method unlearns them (pre-processing as the main tables). Against it: a model
 * trained with DP-Adam at the reference's settings, and Retrain without the set. Each is measured by the loss-LR
 * MIA on the set, test accuracy and TF Privacy's MLP attack on train vs test losses. Run for the intended selection
 * and for the reference's (double-permuted, effectively random) one.
 */
export async function runMiaDefence(o: RunOptions): Promise<MiaDefenceResult> {
  const p = presetOf(MIA_DEFENCE_PRESETS, o.preset);
  const run = await startRun(MIA_DEFENCE, o, { seeds: p.seeds });
  const setting = { data: p.data, recipe: p.recipe };
  const model = p.recipe.model;
  const config = (method: string, extra: Record<string, unknown> = {}) => {
    const c = { ...presetConfig(p.methodPreset, method), ...extra };
    return p.smoke ? smokeCut(method, c) : c;
  };
  const rows: MiaDefenceRow[] = [];
  const sets: MemorisedSet[] = [];
  const dpRecords: DpRecord[] = [];
  const scoresOut: MiaDefenceResult['scores'] = [];
  for (const seed of run.seedList) {
    let dpModel: Classifier | null = null;
    let prepared: ModularPrepared | null = null;
    try {
      // The pretrained model's view of its training set: one overfitting score per sample, and the memorised sets.
      const chosen = await run.withScenario(setting, { kind: 'uniform', fraction: 0.1 }, seed, async (s) => {
        const t0 = performance.now();
        const scores = await overfittingScores(s.original, s.train);
        const threshold = otsuThreshold(scores, { bins: p.otsuBins });
        // log10 with a floor: o underflows to 0 for the most confident samples.
        const logScores = Float64Array.from(scores, (v) => Math.log10(Math.max(v, LOG_FLOOR)));
        const logThreshold = otsuThreshold(logScores, { bins: p.otsuBins });
        run.log(`seed ${seed}: overfitting metric of ${size(s.train)} training samples in ${((performance.now() - t0) / 1000).toFixed(1)} s; Otsu threshold ${threshold.toPrecision(4)} (over log10: ${(10 ** logThreshold).toPrecision(4)})`);
        scoresOut.push({ seed, threshold, logThreshold, values: Array.from(scores) });
        const intended = memorisedSplit(s.train, scores, { threshold, selection: 'intended' });
        const intendedSet = new Set(intended.forget);
        const byId = new Map(Array.from(s.train.ids, (id, i) => [id, scores[i]]));
        const out = p.selections.map((selection) => {
          const split = selection === 'intended-log'
            ? memorisedSplit(s.train, logScores, { threshold: logThreshold, selection: 'intended' })
            : memorisedSplit(s.train, scores, { threshold, selection, seed: new Rng(seed).fork('reference-permutation') });
          sets.push({
            seed,
            selection,
            threshold: selection === 'intended-log' ? 10 ** logThreshold : threshold,
            forgetSize: split.forget.length,
            trainSize: size(s.train),
            sharedWithIntended: mean(Array.from(split.forget, (id) => (intendedSet.has(id) ? 1 : 0))),
            meanScoreForget: mean(Array.from(split.forget, (id) => byId.get(id)!)),
            meanScoreRetain: mean(Array.from(split.retain, (id) => byId.get(id)!)),
          });
          return { selection, ids: Array.from(split.forget) };
        });
        const dp = await trainDpModel(p, p.dp, s, seed, o);
        dpModel = dp.model;
        dpRecords.push(dp.record);
        run.log(`seed ${seed}: DP-Adam epsilon ${dp.record.epsilon.toFixed(2)} (delta ${p.dp.delta}) with noise multiplier ${dp.record.noiseMultiplier.toFixed(3)}, ${dp.record.steps} steps, ${dp.record.seconds.toFixed(1)} s`);
        return out;
      });
      for (const { selection, ids } of chosen) {
        await run.withScenario(setting, { kind: 'selected', ids, rule: `memorised (${selection})` }, seed, async (s) => {
          prepared ??= await prepareModular(p, s, seed, model, run.log);
          const pre: ModularPrepared = prepared;
          const add = (method: string, m: Omit<MiaDefenceRow, 'seed' | 'selection' | 'method' | 'seconds'>, seconds: number) => {
            const row: MiaDefenceRow = { seed, selection, method, ...m, seconds };
            rows.push(row);
            run.log(`  ${selection}, ${method}: retain ${percent(row.retainAcc).toFixed(2)} forget ${percent(row.forgetAcc).toFixed(2)} test ${percent(row.testAcc).toFixed(2)} ` +
              `MIA ${row.miaLoss.toFixed(1)} attack AUC ${row.attackAuc.toFixed(3)}${Number.isFinite(seconds) ? ` time ${seconds.toFixed(1)}s` : ''}`);
          };
          add(ORIGINAL, await measureDefence(s.original, s, seed, HEALTHY), NaN);
          add(DP_ADAM, await measureDefence(dpModel!, s, seed, HEALTHY), dpRecords[dpRecords.length - 1].seconds);
          const reduced = await collectReducedRetainSet(s.train, pre.partition, s.forget.ids, pre.condensed, new PhaseTimer());
          const base = { forget: s.forget, testPool: s.testPool, remembrance: pre.remembrance, seed, onProgress: run.onProgress };
          await withUnlearned('modular', { ...base, original: pre.offline, retain: reduced.dataset, config: config('modular', p.modularOverrides) }, async (res) =>
            add('modular', await measureDefence(res.model, s, seed, res.health), res.timing.seconds),
          );
          await withUnlearned('retrain', { ...base, original: s.original, retain: s.retain, config: config('retrain') }, async (res) =>
            add('retrain', await measureDefence(res.model, s, seed, res.health), res.timing.seconds),
          );
        });
      }
    } finally {
      (dpModel as Classifier | null)?.dispose();
      (prepared as ModularPrepared | null)?.offline.dispose();
    }
  }
  return { experiment: 'mia-defence', preset: o.preset, backend: run.backend, rows, sets, dp: dpRecords, scores: scoresOut, table: miaDefenceTable(rows), seconds: run.seconds() };
}

/** The runs of a result, one per (method, selection, seed), Original and Retrain first. */
export function miaDefenceRuns(rows: readonly MiaDefenceRow[]): RunRecord[] {
  return referencesFirst(
    rows.map((r) => ({
      method: statusLabel(r.method, r),
      scenario: `memorised (${r.selection})`,
      seed: r.seed,
      metrics: metricsOf(r, ['retainAcc', 'forgetAcc', 'testAcc', 'miaLoss', 'attackAuc', 'attackAdvantage', 'seconds']),
    })),
  );
}

/** Mean and 95% CI over seeds per (method, selection). */
export function miaDefenceTable(rows: readonly MiaDefenceRow[]): ResultsTable {
  return ResultsTable.fromRuns(miaDefenceRuns(rows));
}

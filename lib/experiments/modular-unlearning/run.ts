import { size, subsetByIds, type Dataset } from '../../data/dataset';
import { remembranceSplit } from '../../data/splits';
import { PhaseTimer } from '../../engine/timer';
import { fastDistributionMatching } from '../../condense/fast-dm';
import { modelInversionCondensation } from '../../condense/model-inversion';
import { partitionDataset } from '../../condense/partition';
import { collectReducedRetainSet } from '../../condense/reduced-retain';
import type { CondensedSet } from '../../condense/condensed';
import type { Partition } from '../../condense/partition';
import { LOSS_MIA_PRESETS, lossLogisticMiaOfModel } from '../../metrics/mia-loss-logistic';
import type { Classifier } from '../../models/classifier';
import { ResultsTable, type RunRecord } from '../../results';
import { HEALTHY, presetConfig, smokeCut, type RunHealth } from '../../unlearn';
import { modularOffline, type ModularOfflineResult } from '../../unlearn/shared/modular-offline';
import type { RunOptions } from '../shared/experiment';
import { startRun, withUnlearned } from '../shared/harness';
import { measureUnlearning, metricsOf, statusLabel, type MeasureOptions, type UnlearnMeasures } from '../shared/measure';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import { ORIGINAL, referencesFirst } from '../shared/retrain-gap';
import { describeForget, scenarioSizes, type ForgetRequest, type Scenario } from '../shared/scenario';
import { CLASS_WISE_FIX, MODULAR_PRESETS, MODULAR_UNLEARNING, modularMethodPreset, modularSettingFor, type ModularPaperSetting } from './settings';

/** The label of the class-wise fix's runs (see CLASS_WISE_FIX). */
export const MODULAR_FIXED = 'modular (Final trained)';
/** The label of the offline-trained model before any request: what the online phase starts from. */
export const OFFLINE_MODEL = 'modular offline model';

/** One model measured on one seed, model and request. */
export interface ModularRow extends UnlearnMeasures {
  seed: number;
  /** The original's architecture ('mlp', 'cnn4', ...). */
  model: string;
  scenario: string;
  /** A method name, 'original', OFFLINE_MODEL or MODULAR_FIXED. */
  method: string;
  /** The 2024 reference's MIA: loss-logistic attack accuracy x 100, forget vs the whole evaluation split (ideal 50). */
  miaLoss: number;
  /** Unlearning seconds (the modular method: the online phase only); NaN for models no method made. */
  seconds: number;
  /** Training images the method saw (the modular method: the reduced retain set). */
  retainUsed: number;
}

/** Per seed and model: the data sizes, the original's train accuracy and the modular method's pre-processing. */
export interface ModularSetup {
  seed: number;
  model: string;
  sizes: Record<string, number>;
  originalTrainAcc: number;
  originalTestAcc: number;
  originalSource: string;
  /** Seconds of k-means, fast DM over every cluster and the offline phase (once per seed and model). */
  kmeansSeconds: number;
  condensationSeconds: number;
  offlineSeconds: number;
  /** Per request: the collection protocol's seconds and |R~| / |R|. */
  requests: { scenario: string; collectionSeconds: number; reducedRatio: number; reducedSize: number }[];
  remembranceLeaks: boolean;
  /** Test-split ids of the remembrance images (for showing them). */
  remembranceIds: number[];
}

export interface ModularResult {
  experiment: 'modular-unlearning';
  preset: PresetName;
  backend: string;
  rows: ModularRow[];
  setups: ModularSetup[];
  table: ResultsTable;
  seconds: number;
}

/** Pre-processing shared by every request of one seed and model (done before any request, as in the paper). */
export interface ModularPrepared {
  partition: Partition;
  condensed: CondensedSet;
  remembrance: Dataset;
  offline: Classifier;
  setup: ModularSetup;
}

/** The accuracies and Blend-paper MIA of measureUnlearning, plus the 2024 reference's loss-LR MIA (x 100). */
export async function measureModular(
  model: Classifier,
  s: Pick<Scenario, 'retain' | 'forget' | 'testEval'>,
  seed: number,
  health: RunHealth,
  o: MeasureOptions = {},
): Promise<UnlearnMeasures & { miaLoss: number }> {
  const base = await measureUnlearning(model, s, seed, health, o);
  const loss = await lossLogisticMiaOfModel(model, s.forget, s.testEval, { ...LOSS_MIA_PRESETS.dcu2024, seed });
  return { ...base, miaLoss: 100 * loss.accuracy };
}

/** k-means on the pretrained model's features and the condensation of every cluster (the K-dependent pre-processing). */
export async function condenseForModular(p: Pick<ModularPaperSetting, 'kPerClass' | 'condensation'>, s: Scenario, seed: number): Promise<{ partition: Partition; condensed: CondensedSet; kmeansSeconds: number; condensationSeconds: number }> {
  const timer = new PhaseTimer();
  const partition = await partitionDataset(s.train, { k: p.kPerClass, seed, featureModel: s.original, timer });
  const c = p.condensation;
  const condensed =
    c.method === 'fdm'
      ? await fastDistributionMatching(s.train, partition.clusters, { featureModel: s.original, iterations: c.iterations, lr: c.lr, timer })
      : await modelInversionCondensation(s.train, partition.clusters, { seed, variant: c.method === 'mi-lite' ? 'lite' : 'bulky', classifier: s.original, epochs: c.iterations, lr: c.lr, ...c.inverter, timer });
  return { partition, condensed, kmeansSeconds: timer.seconds('kmeans'), condensationSeconds: timer.seconds('condensation') };
}

/** The remembrance set and the offline phase (the ipc-dependent pre-processing). The caller disposes `offline`. */
export async function offlineForModular(
  p: Pick<ModularPaperSetting, 'remembrance' | 'offline'>,
  s: Scenario,
  seed: number,
): Promise<{ remembrance: Dataset; remembranceIds: number[]; leaks: boolean; offline: Classifier; offlineSeconds: number; rounds: ModularOfflineResult['rounds'] }> {
  // Held out of the test pool (never evaluated on), or the reference's first ipc per class of the evaluation split.
  const from = p.remembrance.source === 'held-out' ? s.testPool : s.testEval;
  const rem = p.remembrance.source === 'held-out'
    ? remembranceSplit(from, { ipc: p.remembrance.ipc, seed, source: 'held-out' })
    : remembranceSplit(from, { ipc: p.remembrance.ipc, source: 'reference' });
  const remembrance = subsetByIds(from, rem.remembrance);
  const off = await modularOffline(s.original, s.train, remembrance, { ...p.offline, seed });
  return { remembrance, remembranceIds: Array.from(rem.remembrance), leaks: rem.leaks, offline: off.model, offlineSeconds: off.seconds, rounds: off.rounds };
}

/**
 * The modular method's pre-processing for one seed and model: k-means on the pretrained features, fast DM
 * over every cluster, the remembrance set and the offline phase. The caller disposes `offline`.
 */
export async function prepareModular(
  p: Pick<ModularPaperSetting, 'kPerClass' | 'condensation' | 'remembrance' | 'offline'>,
  s: Scenario,
  seed: number,
  model: string,
  log: (l: string) => void,
): Promise<ModularPrepared> {
  const c = await condenseForModular(p, s, seed);
  const o = await offlineForModular(p, s, seed);
  const setup: ModularSetup = {
    seed,
    model,
    sizes: { ...scenarioSizes(s), remembrance: size(o.remembrance), clusters: c.partition.clusters.length },
    originalTrainAcc: NaN,
    originalTestAcc: s.originalTestAccuracy,
    originalSource: s.originalSource,
    kmeansSeconds: c.kmeansSeconds,
    condensationSeconds: c.condensationSeconds,
    offlineSeconds: o.offlineSeconds,
    requests: [],
    remembranceLeaks: o.leaks,
    remembranceIds: o.remembranceIds,
  };
  log(`seed ${seed}, ${model}: k-means ${setup.kmeansSeconds.toFixed(1)} s, fast DM ${setup.condensationSeconds.toFixed(1)} s (${c.partition.clusters.length} clusters), offline ${setup.offlineSeconds.toFixed(1)} s`);
  return { partition: c.partition, condensed: c.condensed, remembrance: o.remembrance, offline: o.offline, setup };
}

/** The config of a method for one model and request (the reference's preset, cut to a smoke run on smoke). */
export function modularConfigOf(p: Pick<ModularPaperSetting, 'smoke'>, model: string, request: ForgetRequest, method: string): Record<string, unknown> {
  const c = presetConfig(modularMethodPreset(model, request), method);
  return p.smoke ? smokeCut(method, c) : c;
}

/**
 * The 2024 paper's main tables (Sec. 5): per seed and model, the modular method's pre-processing once
 * (k-means on the pretrained features, fast DM of every cluster, the remembrance set, the offline phase),
 * then per request the collection protocol and every method; accuracies, both papers' MIA scores and time.
 */
export async function runModularUnlearning(o: RunOptions): Promise<ModularResult> {
  const p = modularSettingFor(o.preset, presetOf(MODULAR_PRESETS, o.preset), o);
  const run = await startRun(MODULAR_UNLEARNING, o, { seeds: p.seeds, methods: p.methods });
  const rows: ModularRow[] = [];
  const setups: ModularSetup[] = [];
  for (const seed of run.seedList) {
    for (const recipe of p.models) {
      const model = recipe.model;
      let prepared: ModularPrepared | null = null;
      try {
        for (const request of p.requests) {
          const scenario = describeForget(request);
          await run.withScenario({ data: p.data, recipe }, request, seed, async (s) => {
            if (prepared == null) {
              prepared = await prepareModular(p, s, seed, model, run.log);
              setups.push(prepared.setup);
            }
            const pre = prepared;
            const timer = new PhaseTimer();
            const reduced = await collectReducedRetainSet(s.train, pre.partition, s.forget.ids, pre.condensed, timer);
            pre.setup.requests.push({ scenario, collectionSeconds: timer.seconds('sampling'), reducedRatio: reduced.ratio, reducedSize: size(reduced.dataset) });
            const add = (method: string, m: UnlearnMeasures & { miaLoss: number }, seconds: number, retainUsed: number) => {
              const row: ModularRow = { seed, model, scenario, method, ...m, seconds, retainUsed };
              rows.push(row);
              run.log(`  ${model}, ${scenario}, ${method}: retain ${percent(row.retainAcc).toFixed(2)} forget ${percent(row.forgetAcc).toFixed(2)} ` +
                `test ${percent(row.testAcc).toFixed(2)} MIA ${row.mia.toFixed(1)} (loss-LR ${row.miaLoss.toFixed(1)})${Number.isFinite(seconds) ? ` time ${seconds.toFixed(1)}s` : ''}`);
            };
            const original = await measureModular(s.original, s, seed, HEALTHY);
            if (Number.isNaN(pre.setup.originalTrainAcc)) pre.setup.originalTrainAcc = (original.retainAcc * size(s.retain) + original.forgetAcc * size(s.forget)) / size(s.train);
            add(ORIGINAL, original, NaN, size(s.train));
            add(OFFLINE_MODEL, await measureModular(pre.offline, s, seed, HEALTHY), NaN, size(s.train));
            const runs: [string, string, Record<string, unknown>][] = run.methods.map((m) => [m, m, modularConfigOf(p, model, request, m)]);
            if (request.kind === 'class' && run.methods.includes('modular')) runs.push([MODULAR_FIXED, 'modular', { ...modularConfigOf(p, model, request, 'modular'), ...CLASS_WISE_FIX }]);
            for (const [label, method, config] of runs) {
              const modular = method === 'modular';
              const retain = modular ? reduced.dataset : s.retain;
              const inputs = {
                original: modular ? pre.offline : s.original,
                retain,
                forget: s.forget,
                testPool: s.testPool,
                remembrance: pre.remembrance,
                config,
                seed,
                onProgress: run.onProgress,
              };
              await withUnlearned(method, inputs, async (res) => {
                await run.keep(`${model}-${scenario}-${label}-seed${seed}`, res.model, { forget: s.forget, retain: s.retain, test: s.testEval });
                add(label, await measureModular(res.model, s, seed, res.health), res.timing.seconds, size(retain));
              });
            }
          });
        }
      } finally {
        (prepared as ModularPrepared | null)?.offline.dispose();
      }
    }
  }
  return { experiment: 'modular-unlearning', preset: o.preset, backend: run.backend, rows, setups, table: modularTable(rows), seconds: run.seconds() };
}

/** The runs of a result, one per (method, model and request, seed), Original and Retrain first. */
export function modularRuns(rows: readonly ModularRow[]): RunRecord[] {
  return referencesFirst(
    rows.map((r) => ({
      method: statusLabel(r.method, r),
      scenario: `${r.model}, ${r.scenario}`,
      seed: r.seed,
      metrics: metricsOf(r, ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'miaLoss', 'seconds']),
    })),
  );
}

/** Mean and 95% CI over seeds per (method, model and request). */
export function modularTable(rows: readonly ModularRow[]): ResultsTable {
  return ResultsTable.fromRuns(modularRuns(rows));
}

import { size, subsetByIds, type Dataset } from '../../data/dataset';
import { remembranceSplit } from '../../data/splits';
import { PhaseTimer } from '../../engine/timer';
import { fastDistributionMatching } from '../../condense/fast-dm';
import { partitionDataset } from '../../condense/partition';
import { collectReducedRetainSet } from '../../condense/reduced-retain';
import type { CondensedSet } from '../../condense/condensed';
import type { Partition } from '../../condense/partition';
import { LOSS_MIA_PRESETS, lossLogisticMiaOfModel } from '../../metrics/mia-loss-logistic';
import type { Classifier } from '../../models/classifier';
import { ResultsTable, type RunRecord } from '../../results';
import { HEALTHY, presetConfig, smokeCut, type RunHealth } from '../../unlearn';
import { modularOffline } from '../../unlearn/shared/modular-offline';
import type { RunOptions } from '../shared/experiment';
import { startRun, withUnlearned } from '../shared/harness';
import { measureUnlearning, metricsOf, statusLabel, type UnlearnMeasures } from '../shared/measure';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import { ORIGINAL, referencesFirst } from '../shared/retrain-gap';
import { describeForget, scenarioSizes, type ForgetRequest, type Scenario } from '../shared/scenario';
import { CLASS_WISE_FIX, MODULAR_PRESETS, MODULAR_UNLEARNING, modularMethodPreset, type ModularPaperSetting } from './settings';

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
interface Prepared {
  partition: Partition;
  condensed: CondensedSet;
  remembrance: Dataset;
  offline: Classifier;
  setup: ModularSetup;
}

async function measure(model: Classifier, s: Scenario, seed: number, health: RunHealth): Promise<UnlearnMeasures & { miaLoss: number }> {
  const base = await measureUnlearning(model, s, seed, health);
  const loss = await lossLogisticMiaOfModel(model, s.forget, s.testEval, { ...LOSS_MIA_PRESETS.dcu2024, seed });
  return { ...base, miaLoss: 100 * loss.accuracy };
}

/** k-means on the pretrained features, fast DM over every cluster, the remembrance set and the offline phase. */
async function prepare(p: ModularPaperSetting, s: Scenario, seed: number, model: string, log: (l: string) => void): Promise<Prepared> {
  const timer = new PhaseTimer();
  const partition = await partitionDataset(s.train, { k: p.kPerClass, seed, featureModel: s.original, timer });
  const condensed = await fastDistributionMatching(s.train, partition.clusters, { featureModel: s.original, ...p.fdm, timer });
  // Held out of the test pool (never evaluated on), or the reference's first ipc per class of the evaluation split.
  const rem = p.remembrance.source === 'held-out'
    ? remembranceSplit(s.testPool, { ipc: p.remembrance.ipc, seed, source: 'held-out' })
    : remembranceSplit(s.testEval, { ipc: p.remembrance.ipc, source: 'reference' });
  const remembrance = subsetByIds(p.remembrance.source === 'held-out' ? s.testPool : s.testEval, rem.remembrance);
  const off = await timer.timeAsync('offline', () => modularOffline(s.original, s.train, remembrance, { ...p.offline, seed }));
  const setup: ModularSetup = {
    seed,
    model,
    sizes: { ...scenarioSizes(s), remembrance: size(remembrance), clusters: partition.clusters.length },
    originalTrainAcc: NaN,
    originalTestAcc: s.originalTestAccuracy,
    originalSource: s.originalSource,
    kmeansSeconds: timer.seconds('kmeans'),
    condensationSeconds: timer.seconds('condensation'),
    offlineSeconds: off.seconds,
    requests: [],
    remembranceLeaks: rem.leaks,
    remembranceIds: Array.from(rem.remembrance),
  };
  log(`seed ${seed}, ${model}: k-means ${setup.kmeansSeconds.toFixed(1)} s, fast DM ${setup.condensationSeconds.toFixed(1)} s (${partition.clusters.length} clusters), offline ${setup.offlineSeconds.toFixed(1)} s`);
  return { partition, condensed, remembrance, offline: off.model, setup };
}

/** The config of a method for one model and request (the reference's preset, cut to a smoke run on smoke). */
function configOf(p: ModularPaperSetting, model: string, request: ForgetRequest, method: string): Record<string, unknown> {
  const c = presetConfig(modularMethodPreset(model, request), method);
  return p.smoke ? smokeCut(method, c) : c;
}

/**
 * The 2024 paper's main tables (Sec. 5): per seed and model, the modular method's pre-processing once
 * (k-means on the pretrained features, fast DM of every cluster, the remembrance set, the offline phase),
 * then per request the collection protocol and every method; accuracies, both papers' MIA scores and time.
 */
export async function runModularUnlearning(o: RunOptions): Promise<ModularResult> {
  const p = presetOf(MODULAR_PRESETS, o.preset);
  const run = await startRun(MODULAR_UNLEARNING, o, { seeds: p.seeds, methods: p.methods });
  const rows: ModularRow[] = [];
  const setups: ModularSetup[] = [];
  for (const seed of run.seedList) {
    for (const recipe of p.models) {
      const model = recipe.model;
      let prepared: Prepared | null = null;
      try {
        for (const request of p.requests) {
          const scenario = describeForget(request);
          await run.withScenario({ data: p.data, recipe }, request, seed, async (s) => {
            if (prepared == null) {
              prepared = await prepare(p, s, seed, model, run.log);
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
            const original = await measure(s.original, s, seed, HEALTHY);
            if (Number.isNaN(pre.setup.originalTrainAcc)) pre.setup.originalTrainAcc = (original.retainAcc * size(s.retain) + original.forgetAcc * size(s.forget)) / size(s.train);
            add(ORIGINAL, original, NaN, size(s.train));
            add(OFFLINE_MODEL, await measure(pre.offline, s, seed, HEALTHY), NaN, size(s.train));
            const runs: [string, string, Record<string, unknown>][] = run.methods.map((m) => [m, m, configOf(p, model, request, m)]);
            if (request.kind === 'class' && run.methods.includes('modular')) runs.push([MODULAR_FIXED, 'modular', { ...configOf(p, model, request, 'modular'), ...CLASS_WISE_FIX }]);
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
              await withUnlearned(method, inputs, async (res) => add(label, await measure(res.model, s, seed, res.health), res.timing.seconds, size(retain)));
            }
          });
        }
      } finally {
        (prepared as Prepared | null)?.offline.dispose();
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

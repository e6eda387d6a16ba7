import { size } from '../../data/dataset';
import { PhaseTimer } from '../../engine/timer';
import { collectReducedRetainSet } from '../../condense/reduced-retain';
import type { Classifier } from '../../models/classifier';
import { createModel } from '../../models/registry';
import { ResultsTable, type RunRecord } from '../../results';
import { HEALTHY, presetConfig, smokeCut } from '../../unlearn';
import type { RunOptions } from '../shared/experiment';
import { startRun, withUnlearned } from '../shared/harness';
import { metricsOf, statusLabel, type UnlearnMeasures } from '../shared/measure';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import { ORIGINAL, referencesFirst } from '../shared/retrain-gap';
import { describeForget, scenarioSizes } from '../shared/scenario';
import { condenseForModular, measureModular, offlineForModular, OFFLINE_MODEL } from '../modular-unlearning/run';
import { CONDENSED_CUTS, condensedModelOf, recondense } from './condensed-model';
import { CONDENSED_MODEL_PRESETS, CONDENSED_MODEL_UNLEARNING, type CondensedModelSetting } from './settings';

/** The label of recondensation training's model. */
export const RECONDENSATION = 'recondensation';

/** One model measured on one seed. */
export interface CondensedModelRow extends UnlearnMeasures {
  seed: number;
  /** ORIGINAL (the pretrained autoencoder), OFFLINE_MODEL, 'modular', RECONDENSATION or 'retrain'. */
  method: string;
  /** The 2024 reference's MIA: loss-logistic attack accuracy x 100, forget vs the whole evaluation split (ideal 50). */
  miaLoss: number;
  /** Seconds to make the model (modular: the online phase; recondensation: its classifier's training); NaN for models no method made. */
  seconds: number;
  /** Training images the method saw (modular: the reduced retain set; recondensation: the remembrance set). */
  retainUsed: number;
}

/** Per seed: data sizes, the pretrained autoencoder and the modular pre-processing. */
export interface CondensedModelSetup {
  seed: number;
  scenario: string;
  sizes: Record<string, number>;
  originalTrainAcc: number;
  originalTestAcc: number;
  originalSource: string;
  kmeansSeconds: number;
  condensationSeconds: number;
  offlineSeconds: number;
  /** Per offline round: Final's weight norm as the round started (a new value each round: Final re-initialised) and the stages' last losses. */
  offlineRounds: { round: number; finalStartNorm: number; finalLoss: number; intermediateLoss: number }[];
  reducedRatio: number;
  reducedSize: number;
  remembranceIds: number[];
}

export interface CondensedModelResult {
  experiment: 'condensed-model-unlearning';
  preset: PresetName;
  backend: string;
  rows: CondensedModelRow[];
  setups: CondensedModelSetup[];
  table: ResultsTable;
  seconds: number;
}

/** A method's config from its lib/unlearn preset or the setting, cut to a smoke run on smoke. */
function configOf(p: Pick<CondensedModelSetting, 'smoke'>, method: string, config: Record<string, unknown>): Record<string, unknown> {
  return p.smoke ? smokeCut(method, config) : config;
}

/**
 * The 2024 paper's unlearning in a condensed model (Sec. 5.E, Fig. 4; docs/reference/modular-2024.md#b10). Per
 * seed: the autoencoder pretrained on CE + 0.5 MSE (the scenario's original); k-means on its encoder's code
 * and fast DM of every cluster; the condensed model (its encoder and decoder + a new ConvClassifier) through
 * the offline phase with Final re-initialised every round; at the 10% request the collection protocol, then
 * the modular online phase on the reduced retain set; recondensation training (a fresh ConvClassifier on the
 * unlearned encoder + decoder, remembrance set only); Retrain (a standard classifier from scratch on the
 * retain set). Accuracies, both papers' MIA scores and time.
 */
export async function runCondensedModelUnlearning(o: RunOptions): Promise<CondensedModelResult> {
  const p = presetOf(CONDENSED_MODEL_PRESETS, o.preset);
  const run = await startRun(CONDENSED_MODEL_UNLEARNING, o, { seeds: p.seeds });
  const rows: CondensedModelRow[] = [];
  const setups: CondensedModelSetup[] = [];
  const scenario = describeForget(p.request);
  for (const seed of run.seedList) {
    await run.withScenario({ data: p.data, recipe: p.recipe }, p.request, seed, async (s) => {
      const add = (method: string, m: UnlearnMeasures & { miaLoss: number }, seconds: number, retainUsed: number) => {
        const row: CondensedModelRow = { seed, method, ...m, seconds, retainUsed };
        rows.push(row);
        run.log(`  seed ${seed}, ${method}: retain ${percent(row.retainAcc).toFixed(2)} forget ${percent(row.forgetAcc).toFixed(2)} test ${percent(row.testAcc).toFixed(2)} ` +
          `MIA ${row.mia.toFixed(1)} (loss-LR ${row.miaLoss.toFixed(1)})${Number.isFinite(seconds) ? ` time ${seconds.toFixed(1)}s` : ''}`);
      };
      const original = await measureModular(s.original, s, seed, HEALTHY);
      add(ORIGINAL, original, NaN, size(s.train));
      // Pre-processing (not timed as unlearning): clusters on the encoder's code, fast DM, the offline phase.
      const c = await condenseForModular(p, s, seed);
      const condensed = condensedModelOf(s.original, p.classifier, seed);
      let offline: Awaited<ReturnType<typeof offlineForModular>>;
      try {
        offline = await offlineForModular({ remembrance: p.remembrance, offline: { ...p.offline, ...CONDENSED_CUTS } }, { ...s, original: condensed }, seed);
      } finally {
        condensed.dispose();
      }
      try {
        const timer = new PhaseTimer();
        const reduced = await collectReducedRetainSet(s.train, c.partition, s.forget.ids, c.condensed, timer);
        setups.push({
          seed,
          scenario,
          sizes: { ...scenarioSizes(s), remembrance: size(offline.remembrance), clusters: c.partition.clusters.length },
          originalTrainAcc: (original.retainAcc * size(s.retain) + original.forgetAcc * size(s.forget)) / size(s.train),
          originalTestAcc: s.originalTestAccuracy,
          originalSource: s.originalSource,
          kmeansSeconds: c.kmeansSeconds,
          condensationSeconds: c.condensationSeconds,
          offlineSeconds: offline.offlineSeconds,
          offlineRounds: offline.rounds,
          reducedRatio: reduced.ratio,
          reducedSize: size(reduced.dataset),
          remembranceIds: offline.remembranceIds,
        });
        run.log(`seed ${seed}: k-means ${c.kmeansSeconds.toFixed(1)} s, fast DM ${c.condensationSeconds.toFixed(1)} s (${c.partition.clusters.length} clusters), offline ${offline.offlineSeconds.toFixed(1)} s, |R~|/|R| ${reduced.ratio.toFixed(3)}`);
        add(OFFLINE_MODEL, await measureModular(offline.offline, s, seed, HEALTHY), NaN, size(s.train));
        const base = { forget: s.forget, testPool: s.testPool, remembrance: offline.remembrance, seed, onProgress: run.onProgress };
        await withUnlearned('modular', { ...base, original: offline.offline, retain: reduced.dataset, config: configOf(p, 'modular', { ...p.modular, ...CONDENSED_CUTS }) }, async (res) => {
          await run.keep(`modular-seed${seed}`, res.model, { forget: s.forget, retain: s.retain, test: s.testEval });
          add('modular', await measureModular(res.model, s, seed, res.health), res.timing.seconds, size(reduced.dataset));
          // The unlearned encoder + decoder with a fresh classifier trained on the remembrance set only.
          const re = await recondense(res.model, offline.remembrance, p.recondensation, seed, run.onProgress);
          try {
            add(RECONDENSATION, await measureModular(re.model, s, seed, HEALTHY), re.seconds, size(offline.remembrance));
          } finally {
            re.model.dispose();
          }
        });
        // Retrain: a standard classifier of the setting's architecture from scratch (retrain draws its own initialisation).
        const template: Classifier = createModel(p.retrain.model, { inputShape: s.train.shape, numClasses: s.train.classNames.length, seed, options: p.retrain.modelOptions });
        try {
          await withUnlearned('retrain', { ...base, original: template, retain: s.retain, config: configOf(p, 'retrain', presetConfig(p.retrain.methodPreset, 'retrain')) }, async (res) =>
            add('retrain', await measureModular(res.model, s, seed, res.health), res.timing.seconds, size(s.retain)),
          );
        } finally {
          template.dispose();
        }
      } finally {
        offline.offline.dispose();
      }
    });
  }
  return { experiment: 'condensed-model-unlearning', preset: o.preset, backend: run.backend, rows, setups, table: condensedModelTable(rows), seconds: run.seconds() };
}

/** The runs of a result, one per (method, seed), Original and Retrain first. */
export function condensedModelRuns(rows: readonly CondensedModelRow[]): RunRecord[] {
  return referencesFirst(
    rows.map((r) => ({
      method: statusLabel(r.method, r),
      scenario: 'uniform 10%',
      seed: r.seed,
      metrics: metricsOf(r, ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'miaLoss', 'seconds']),
    })),
  );
}

/** Mean and 95% CI over seeds per method. */
export function condensedModelTable(rows: readonly CondensedModelRow[]): ResultsTable {
  return ResultsTable.fromRuns(condensedModelRuns(rows));
}

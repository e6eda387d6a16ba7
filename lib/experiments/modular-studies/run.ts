import { size, subsetByIds } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import { PhaseTimer } from '../../engine/timer';
import { collectReducedRetainSet } from '../../condense/reduced-retain';
import { overfittingMetric } from '../../metrics/overfitting-metric';
import { unlearningMetric } from '../../metrics/unlearning-metric';
import type { Classifier } from '../../models/classifier';
import { ResultsTable, type RunRecord } from '../../results';
import { HEALTHY, type UnlearnInputs } from '../../unlearn';
import type { RunOptions } from '../shared/experiment';
import { startRun, withUnlearned, type Run } from '../shared/harness';
import { metricsOf, statusLabel, type UnlearnMeasures } from '../shared/measure';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import type { Scenario } from '../shared/scenario';
import { condenseForModular, measureModular, modularConfigOf, offlineForModular } from '../modular-unlearning/run';
import { METRIC_STUDY_ROW, MODULAR_STUDIES, MODULAR_STUDIES_PRESETS, type ModularStudiesSetting } from './settings';

export type StudyName = 'ipc' | 'k' | 'cycle' | 'metric';

/** One model measured in one study at one value of the study's variable (ipc, K, cycle or online epoch). */
export interface StudyRow extends UnlearnMeasures {
  seed: number;
  study: StudyName;
  /** The study's variable: ipc, K, cycle (1-based) or the online epochs S. */
  x: number;
  method: string;
  miaLoss: number;
  /** Unlearning seconds (modular: the online phase); NaN for the pretrained model. */
  seconds: number;
  /** Training images the method saw. */
  retainUsed: number;
  /** K study: |R~| / |R| and the seconds of k-means + fast DM. */
  reducedRatio?: number;
  preSeconds?: number;
  /** Metric study: the unlearning metric (x 100) and the overfitting metric on the forget set. */
  unlearningMetric?: number;
  overfittingMetric?: number;
  /** Cycle study: how many samples have been asked to be forgotten so far. */
  forgetSize?: number;
}

export interface ModularStudiesResult {
  experiment: 'modular-studies';
  preset: PresetName;
  backend: string;
  model: string;
  /** The metric study's model (the reference's: ViT-tiny). */
  metricModel: string;
  rows: StudyRow[];
  table: ResultsTable;
  seconds: number;
}

/** A uniform request's scenario with another forget set (a cycle's): its retain set is the rest of the training set. */
function withForget(s: Scenario, forgetIds: Set<number>): Pick<Scenario, 'train' | 'retain' | 'forget' | 'testEval'> {
  const ids = Array.from(s.train.ids);
  return { train: s.train, testEval: s.testEval, forget: subsetByIds(s.train, ids.filter((id) => forgetIds.has(id))), retain: subsetByIds(s.train, ids.filter((id) => !forgetIds.has(id))) };
}

/**
 * The forget set of each cycle (docs/reference/modular-2024.md#b9): cycle 1 is the 10% uniform request,
 * cycle c adds the first 10% of the previous retain set (a seeded order). Cumulative: the reference keeps
 * only the first and the newest chunk, so intermediate chunks drop out of both sets (fixed here).
 */
export function cycleForgetSets(s: Pick<Scenario, 'train' | 'forget'>, cycles: number, seed: number): Set<number>[] {
  const order = new Rng(seed).fork('cycles').shuffle(Int32Array.from(s.train.ids)) as Int32Array;
  const forgotten = new Set<number>(s.forget.ids);
  const out = [new Set(forgotten)];
  for (let c = 1; c < cycles; c++) {
    const retain = Array.from(order).filter((id) => !forgotten.has(id));
    for (const id of retain.slice(0, Math.floor(0.1 * retain.length))) forgotten.add(id);
    out.push(new Set(forgotten));
  }
  return out;
}

/**
 * The 2024 paper's studies of its own method, on one model and the 10% uniform request: remembrance-set
 * size, clusters per class, five cycles (against Retrain) and the unlearning / overfitting metrics over
 * online epochs (against CF and the pretrained model).
 */
export async function runModularStudies(o: RunOptions): Promise<ModularStudiesResult> {
  const p = presetOf(MODULAR_STUDIES_PRESETS, o.preset);
  const run = await startRun(MODULAR_STUDIES, o, { seeds: p.seeds });
  const rows: StudyRow[] = [];
  const model = p.model.model;
  const request = { kind: 'uniform' as const, fraction: 0.1 };
  const add = (row: StudyRow) => {
    rows.push(row);
    run.log(`  ${row.study} ${row.x}, ${row.method}: retain ${percent(row.retainAcc).toFixed(2)} forget ${percent(row.forgetAcc).toFixed(2)} test ${percent(row.testAcc).toFixed(2)} loss-LR MIA ${row.miaLoss.toFixed(1)}` +
      (row.unlearningMetric != null ? ` unlearning metric ${row.unlearningMetric.toFixed(1)} overfitting ${row.overfittingMetric!.toFixed(4)}` : ''));
  };
  for (const seed of run.seedList) {
    await run.withScenario({ data: p.data, recipe: p.model }, request, seed, async (s) => {
      const base = await condenseForModular(p, s, seed);
      const off = await offlineForModular(p, s, seed);
      run.log(`seed ${seed}: k-means ${base.kmeansSeconds.toFixed(1)} s, fast DM ${base.condensationSeconds.toFixed(1)} s, offline ${off.offlineSeconds.toFixed(1)} s`);
      try {
        const modularConfig = modularConfigOf(p, model, request, 'modular');
        /** Runs the modular method from `offline` on the collection of `condensed` and measures it. */
        const modular = async (study: StudyName, x: number, c: typeof base, offline: typeof off, sets: Pick<Scenario, 'train' | 'retain' | 'forget' | 'testEval'>, config = modularConfig, extra: Partial<StudyRow> = {}) => {
          const reduced = await collectReducedRetainSet(sets.train, c.partition, sets.forget.ids, c.condensed, new PhaseTimer());
          const inputs: UnlearnInputs = { original: offline.offline, retain: reduced.dataset, forget: sets.forget, testPool: s.testPool, remembrance: offline.remembrance, config, seed, onProgress: run.onProgress };
          await withUnlearned('modular', inputs, async (res) =>
            add({ seed, study, x, method: 'modular', ...(await measureModular(res.model, sets, seed, res.health)), seconds: res.timing.seconds, retainUsed: size(reduced.dataset), reducedRatio: reduced.ratio, ...extra }),
          );
        };

        // Remembrance-set size: a new remembrance set and offline phase per ipc; the condensed set is shared.
        for (const ipc of p.ipcs) {
          const o2 = ipc === p.remembrance.ipc ? off : await offlineForModular({ ...p, remembrance: { ...p.remembrance, ipc } }, s, seed);
          try {
            await modular('ipc', ipc, base, o2, s);
          } finally {
            if (o2 !== off) o2.offline.dispose();
          }
        }

        // Clusters per class: a new partition and fast DM per K; the offline model is shared.
        for (const k of p.ks) {
          const c = k === p.kPerClass ? base : await condenseForModular({ ...p, kPerClass: k }, s, seed);
          await modular('k', k, c, off, s, modularConfig, { preSeconds: c.kmeansSeconds + c.condensationSeconds });
        }

        // Cycles against Retrain; each cycle starts again from the offline model, as the reference's.
        const sets = cycleForgetSets(s, p.cycles, seed);
        for (const [i, forgotten] of sets.entries()) {
          const cs = withForget(s, forgotten);
          await modular('cycle', i + 1, base, off, cs, modularConfig, { forgetSize: forgotten.size });
          const retrain = { original: s.original, retain: cs.retain, forget: cs.forget, testPool: s.testPool, config: modularConfigOf(p, model, request, 'retrain'), seed, onProgress: run.onProgress };
          await withUnlearned('retrain', retrain, async (res) =>
            add({ seed, study: 'cycle', x: i + 1, method: 'retrain', ...(await measureModular(res.model, cs, seed, res.health)), seconds: res.timing.seconds, retainUsed: size(cs.retain), forgetSize: forgotten.size }),
          );
        }

      } finally {
        off.offline.dispose();
      }
    });
    await runMetricStudy(p, run, seed, add);
  }
  return { experiment: 'modular-studies', preset: o.preset, backend: run.backend, model, metricModel: p.metricModel.model, rows, table: studiesTable(rows), seconds: run.seconds() };
}

/**
 * The unlearning and overfitting metrics after S online epochs (modular) or S epochs of CF, against the
 * pretrained model, on the metric study's own model (the reference's: ViT-tiny) with its own pre-processing.
 */
async function runMetricStudy(p: ModularStudiesSetting, run: Run, seed: number, add: (row: StudyRow) => void): Promise<void> {
  const model = p.metricModel.model;
  const request = { kind: 'uniform' as const, fraction: 0.1 };
  await run.withScenario({ data: p.data, recipe: p.metricModel }, request, seed, async (s) => {
    const base = await condenseForModular(p, s, seed);
    const off = await offlineForModular(p, s, seed);
    run.log(`seed ${seed}, metric study (${model}): k-means ${base.kmeansSeconds.toFixed(1)} s, fast DM ${base.condensationSeconds.toFixed(1)} s, offline ${off.offlineSeconds.toFixed(1)} s`);
    try {
      const metrics = async (m: Classifier) => ({
        unlearningMetric: await unlearningMetric(m, s.forget, s.retain),
        overfittingMetric: await overfittingMetric(m, s.forget),
      });
      add({ seed, study: 'metric', x: 0, method: 'pretrained', ...(await measureModular(s.original, s, seed, HEALTHY)), seconds: NaN, retainUsed: size(s.train), ...(await metrics(s.original)) });
      const reduced = await collectReducedRetainSet(s.train, base.partition, s.forget.ids, base.condensed, new PhaseTimer());
      for (const epochs of p.metricEpochs) {
        const online = { ...modularConfigOf(p, model, request, 'modular'), ...METRIC_STUDY_ROW, outerEpochs: epochs };
        const mInputs: UnlearnInputs = { original: off.offline, retain: reduced.dataset, forget: s.forget, testPool: s.testPool, remembrance: off.remembrance, config: online, seed, onProgress: run.onProgress };
        await withUnlearned('modular', mInputs, async (res) =>
          add({ seed, study: 'metric', x: epochs, method: 'modular', ...(await measureModular(res.model, s, seed, res.health)), seconds: res.timing.seconds, retainUsed: size(reduced.dataset), ...(await metrics(res.model)) }),
        );
        const cf = { ...modularConfigOf(p, model, request, 'cf'), epochs };
        await withUnlearned('cf', { original: s.original, retain: s.retain, forget: s.forget, testPool: s.testPool, config: cf, seed, onProgress: run.onProgress }, async (res) =>
          add({ seed, study: 'metric', x: epochs, method: 'cf', ...(await measureModular(res.model, s, seed, res.health)), seconds: res.timing.seconds, retainUsed: size(s.retain), ...(await metrics(res.model)) }),
        );
      }
    } finally {
      off.offline.dispose();
    }
  });
}

const STUDY_METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'miaLoss', 'seconds', 'retainUsed', 'reducedRatio', 'preSeconds', 'unlearningMetric', 'overfittingMetric', 'forgetSize'];

/** The runs of a result: one per (method, study and value, seed). */
export function studiesRuns(rows: readonly StudyRow[]): RunRecord[] {
  return rows.map((r) => ({ method: statusLabel(r.method, r), scenario: `${r.study} ${r.x}`, seed: r.seed, metrics: metricsOf(r, STUDY_METRICS) }));
}

/** Mean and 95% CI over seeds per (method, study and value). */
export function studiesTable(rows: readonly StudyRow[]): ResultsTable {
  return ResultsTable.fromRuns(studiesRuns(rows));
}

/** The config the cycle study's methods use, for settings(): the same as the main tables' 10% random one. */
export function studiesMethodConfigs(p: ModularStudiesSetting): Record<string, Record<string, unknown>> {
  const request = { kind: 'uniform' as const, fraction: 0.1 };
  return Object.fromEntries(['modular', 'retrain', 'cf'].map((m) => [m, modularConfigOf(p, p.model.model, request, m)]));
}

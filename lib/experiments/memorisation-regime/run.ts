import { createHash } from 'node:crypto';
import { concatDatasets, indicesOfIds, size, type Dataset } from '../../data/dataset';
import { confidenceOf } from '../../metrics/confidence';
import { liraScores, trainLiraShadows, type LiraShadows } from '../../metrics/lira';
import { rocCurve, tprAtFpr } from '../../metrics/roc';
import type { Classifier } from '../../models/classifier';
import { createModel } from '../../models/registry';
import { predict } from '../../train/evaluate';
import { fit } from '../../train/fit';
import type { ProgressSink } from '../../train/progress';
import { HEALTHY, type HealthStatus } from '../../unlearn';
import type { RunOptions } from '../shared/experiment';
import { startRun, type Run } from '../shared/harness';
import { measureUnlearning } from '../shared/measure';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import { scenarioSizes, trainingCodeVersion, type ForgetRequest, type Scenario, type TrainRecipe } from '../shared/scenario';
import { ProgressStore, PROGRESS_VERSION } from './progress';
import {
  candidateData,
  MEMORISATION_REGIME,
  MEMORISATION_REGIME_PRESETS,
  type MemorisationCriteria,
  type MemorisationRegimePreset,
  type RegimeCandidate,
} from './settings';

/** What one model (the original, or Retrain) measures: accuracies as fractions, the paper's MIA score (AUC x 100). */
export interface ModelMeasures {
  /** Accuracy on the whole training subset (forget + retain), whatever the model trained on. */
  trainAcc: number;
  retainAcc: number;
  forgetAcc: number;
  /** Accuracy on the test evaluation split. */
  testAcc: number;
  /** trainAcc - testAcc. */
  gap: number;
  /** The paper's MIA score: forget set vs the class-matched test evaluation split. */
  mia: number;
  status: HealthStatus;
  statusReason: string;
  /** Training seconds; null when the original came from the model cache (not trained by this run). */
  seconds: number | null;
}

/** One candidate on one seed: the original (full training subset) and Retrain (the retain set), same recipe. */
export interface RegimeCell {
  key: string;
  candidate: string;
  seed: number;
  /** Sizes of the training subset, forget and retain sets and the test evaluation split. */
  sizes: Record<string, number>;
  original: ModelMeasures;
  retrain: ModelMeasures;
  /** MIA(original) - MIA(Retrain). */
  separation: number;
  backend: string;
  /** The training code's version (lib/{data,engine,models,train}); recorded, not part of the key. */
  code: string;
  finishedAt: string;
}

/** LiRA of one model: forget set (label 1) vs the test evaluation split (label 0). AUC in [0, 1], TPRs as fractions. */
export interface LiraNumbers {
  auc: number;
  tprAt1pctFpr: number;
  tprAt0_1pctFpr: number;
}

/**
 * The LiRA audit of one candidate (seed 0): shadows trained with the candidate's recipe on random halves
 * of the population (training subset + test evaluation split); the original's members (forget set) vs
 * non-members (evaluation split), and the same sets for Retrain (which never saw the forget set).
 */
export interface RegimeLiraCell {
  key: string;
  candidate: string;
  seed: number;
  shadows: number;
  populationSize: number;
  members: number;
  nonMembers: number;
  offline: { original: LiraNumbers; retrain: LiraNumbers };
  online: { original: LiraNumbers; retrain: LiraNumbers };
  /** Seconds to train and score the shadows, and to train the audit's Retrain. */
  shadowSeconds: number;
  retrainSeconds: number;
  backend: string;
  code: string;
  finishedAt: string;
}

/** Per candidate, the means over its seeds and whether it meets the criteria. */
export interface CandidateSummary {
  candidate: string;
  seeds: number;
  trainAcc: number;
  testAcc: number;
  gap: number;
  miaOriginal: number;
  miaRetrain: number;
  separation: number;
  forget: number;
  /** Train accuracy and gap criteria (what the chosen candidate must meet). */
  memorises: boolean;
  /** Every criterion: train accuracy, gap, MIA of the original, separation and forget-set size. */
  meets: boolean;
}

export interface MemorisationRegimeResult {
  experiment: 'memorisation-regime';
  /** The progress-file format: results.json doubles as the progress of a finished run (see progress.ts). */
  version: number;
  preset: PresetName;
  backend: string;
  criteria: MemorisationCriteria;
  forgetFraction: number;
  candidates: { name: string; trainPerClass: number; recipe: TrainRecipe; summary: string }[];
  cells: RegimeCell[];
  lira: RegimeLiraCell[];
  summaries: CandidateSummary[];
  /** The candidate with the largest separation among those meeting the train-accuracy and gap criteria; null if none does. */
  chosen: string | null;
  /** Cells (candidate x seed, and LiRA audits) computed by this run, and cells read back from an earlier (killed or finished) run. */
  computed: number;
  resumed: number;
  /** Where finished cells were kept (null without an output folder). */
  progressFile: string | null;
  seconds: number;
}

export interface MemorisationRegimeOptions extends RunOptions {
  /** Candidates to run instead of the preset's (notebooks, tests). */
  candidates?: RegimeCandidate[];
}

/** A one-line description of a candidate's recipe, for tables. */
export function recipeSummary(c: RegimeCandidate): string {
  const r = c.recipe;
  const m = r.modelOptions as { width?: number; depth?: number };
  const opt = r.optimizer.kind === 'sgd' ? `SGD ${r.lr} m${r.optimizer.momentum ?? 0} wd${r.optimizer.weightDecay ?? 0}` : `Adam ${r.lr} wd${r.optimizer.weightDecay ?? 0}`;
  return `${c.trainPerClass}/class, ${r.model} w${m.width ?? '?'} d${m.depth ?? 3}, ${opt}, ${r.schedule.kind}, ${r.epochs} ep, batch ${r.batchSize}`;
}

const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

/** What determines a cell's numbers: the data (dataset, subset, test split, forget share), the recipe and the seed. */
export function cellKey(p: MemorisationRegimePreset, c: RegimeCandidate, seed: number): string {
  return hash({ data: candidateData(p, c), forgetFraction: p.forgetFraction, recipe: c.recipe, seed });
}

export function liraKey(p: MemorisationRegimePreset, c: RegimeCandidate, seed: number, shadows: number): string {
  return hash({ cell: cellKey(p, c, seed), lira: { shadows, variants: ['offline', 'online'] } });
}

/** A fresh model trained from scratch with the recipe (Retrain, LiRA shadows). */
export async function trainWithRecipe(train: Dataset, recipe: TrainRecipe, seed: number, task: string, onProgress?: ProgressSink): Promise<Classifier> {
  const model = createModel(recipe.model, { inputShape: train.shape, numClasses: train.classNames.length, seed, options: recipe.modelOptions });
  try {
    await fit(model, train, { epochs: recipe.epochs, batchSize: recipe.batchSize, lr: recipe.lr, optimizer: recipe.optimizer, schedule: recipe.schedule, seed, onProgress, task });
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

async function measureModel(model: Classifier, s: Scenario, seed: number, seconds: number | null): Promise<ModelMeasures> {
  const m = await measureUnlearning(model, s, seed, HEALTHY);
  const nf = size(s.forget);
  const nr = size(s.retain);
  const trainAcc = (m.forgetAcc * nf + m.retainAcc * nr) / (nf + nr);
  return { trainAcc, retainAcc: m.retainAcc, forgetAcc: m.forgetAcc, testAcc: m.testAcc, gap: trainAcc - m.testAcc, mia: m.mia, status: m.status, statusReason: m.statusReason, seconds };
}

const secondsSince = (t0: number) => (performance.now() - t0) / 1000;

async function runCell(run: Run, p: MemorisationRegimePreset, c: RegimeCandidate, seed: number, key: string): Promise<RegimeCell> {
  const request: ForgetRequest = { kind: 'uniform', fraction: p.forgetFraction };
  return run.withScenario({ data: candidateData(p, c), recipe: c.recipe }, request, seed, async (s) => {
    const original = await measureModel(s.original, s, seed, s.originalSource === 'trained' ? s.originalSeconds : null);
    const t0 = performance.now();
    const model = await trainWithRecipe(s.retain, c.recipe, seed, `retrain ${c.name}`, run.onProgress);
    let retrain: ModelMeasures;
    try {
      const seconds = secondsSince(t0);
      retrain = await measureModel(model, s, seed, seconds);
    } finally {
      model.dispose();
    }
    return {
      key,
      candidate: c.name,
      seed,
      sizes: scenarioSizes(s),
      original,
      retrain,
      separation: original.mia - retrain.mia,
      backend: run.backend,
      code: trainingCodeVersion(),
      finishedAt: new Date().toISOString(),
    };
  });
}

/** LiRA numbers of one model's phi on the population, members = `pos` positions, non-members = `neg` positions. */
export function liraNumbers(shadows: LiraShadows, phi: Float64Array, pos: Int32Array, neg: Int32Array, variant: 'offline' | 'online'): LiraNumbers {
  const scores = liraScores(shadows, phi, { variant });
  const sub = [...Array.from(pos, (i) => scores[i]), ...Array.from(neg, (i) => scores[i])];
  const labels = [...Array.from(pos, () => 1), ...Array.from(neg, () => 0)];
  const roc = rocCurve(sub, labels);
  return { auc: roc.auc, tprAt1pctFpr: tprAtFpr(roc, 0.01), tprAt0_1pctFpr: tprAtFpr(roc, 0.001) };
}

async function runLira(run: Run, p: MemorisationRegimePreset, c: RegimeCandidate, seed: number, numShadows: number, key: string): Promise<RegimeLiraCell> {
  const request: ForgetRequest = { kind: 'uniform', fraction: p.forgetFraction };
  return run.withScenario({ data: candidateData(p, c), recipe: c.recipe }, request, seed, async (s) => {
    // Population: the training subset, then the evaluation split; the target trained on the first part.
    const population = concatDatasets(`${s.train.name} train+test-eval`, [s.train, s.testEval]);
    const nTrain = size(s.train);
    const forgetPos = indicesOfIds(s.train, s.forget.ids);
    const testPos = Int32Array.from({ length: size(s.testEval) }, (_, i) => nTrain + i);
    const shadows = await trainLiraShadows(population, (train, sd) => trainWithRecipe(train, c.recipe, sd, `LiRA shadow of ${c.name}`, run.onProgress), {
      numShadows,
      seed: `lira-${seed}`,
      onShadow: (i, sec) => run.log(`  LiRA shadow ${i + 1}/${numShadows} of ${c.name}: ${sec.toFixed(0)} s`),
    });
    const t0 = performance.now();
    const retrain = await trainWithRecipe(s.retain, c.recipe, seed, `retrain ${c.name} (LiRA)`, run.onProgress);
    const retrainSeconds = secondsSince(t0);
    try {
      const phiOriginal = confidenceOf(await predict(s.original, population));
      const phiRetrain = confidenceOf(await predict(retrain, population));
      const both = (variant: 'offline' | 'online') => ({
        original: liraNumbers(shadows, phiOriginal, forgetPos, testPos, variant),
        retrain: liraNumbers(shadows, phiRetrain, forgetPos, testPos, variant),
      });
      return {
        key,
        candidate: c.name,
        seed,
        shadows: numShadows,
        populationSize: size(population),
        members: forgetPos.length,
        nonMembers: testPos.length,
        offline: both('offline'),
        online: both('online'),
        shadowSeconds: shadows.seconds,
        retrainSeconds,
        backend: run.backend,
        code: trainingCodeVersion(),
        finishedAt: new Date().toISOString(),
      };
    } finally {
      retrain.dispose();
    }
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Means over seeds per candidate (in candidate order) and the criteria each meets. */
export function summariseCandidates(cells: RegimeCell[], criteria: MemorisationCriteria): CandidateSummary[] {
  const names = [...new Set(cells.map((x) => x.candidate))];
  return names.map((candidate) => {
    const cs = cells.filter((x) => x.candidate === candidate);
    const s = {
      candidate,
      seeds: cs.length,
      trainAcc: mean(cs.map((x) => x.original.trainAcc)),
      testAcc: mean(cs.map((x) => x.original.testAcc)),
      gap: mean(cs.map((x) => x.original.gap)),
      miaOriginal: mean(cs.map((x) => x.original.mia)),
      miaRetrain: mean(cs.map((x) => x.retrain.mia)),
      separation: mean(cs.map((x) => x.separation)),
      forget: Math.min(...cs.map((x) => x.sizes.forget)),
    };
    const memorises = s.trainAcc >= criteria.minTrainAcc && s.gap >= criteria.minGap;
    const meets = memorises && s.miaOriginal >= criteria.minMia && s.separation >= criteria.minSeparation && s.forget >= criteria.minForget;
    return { ...s, memorises, meets };
  });
}

/** The candidate with the largest mean separation among those meeting the train-accuracy and gap criteria. */
export function chooseCandidate(summaries: CandidateSummary[]): string | null {
  const ok = summaries.filter((x) => x.memorises);
  if (ok.length === 0) return null;
  return ok.reduce((a, b) => (b.separation > a.separation ? b : a)).candidate;
}

// Cells read back from disk are checked before they are trusted: the numbers the tables use must be there.
const NUMBERS = ['trainAcc', 'retainAcc', 'forgetAcc', 'testAcc', 'gap', 'mia'] as const;
function checkMeasures(m: unknown, where: string): void {
  if (m == null || typeof m !== 'object') throw new Error(`${where} is missing.`);
  for (const k of NUMBERS) {
    const v = (m as Record<string, unknown>)[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}.${k} is ${JSON.stringify(v)}, not a finite number.`);
  }
}
function checkCell(c: unknown, where: string): void {
  const x = c as Partial<RegimeCell>;
  if (typeof x.candidate !== 'string' || !Number.isInteger(x.seed)) throw new Error(`${where} has no candidate or seed.`);
  checkMeasures(x.original, `${where} original`);
  checkMeasures(x.retrain, `${where} retrain`);
  if (typeof x.separation !== 'number' || x.sizes == null) throw new Error(`${where} has no separation or sizes.`);
}
function checkLiraCell(c: unknown, where: string): void {
  const x = c as Partial<RegimeLiraCell>;
  if (typeof x.candidate !== 'string' || !Number.isInteger(x.shadows)) throw new Error(`${where} has no candidate or shadow count.`);
  for (const v of ['offline', 'online'] as const) {
    for (const m of ['original', 'retrain'] as const) {
      if (typeof x[v]?.[m]?.auc !== 'number') throw new Error(`${where} has no ${v} AUC of the ${m} model.`);
    }
  }
}

/** Checks the LiRA flags before any compute: shadows 0 (no audit) or even >= 2; a named candidate exists and comes with --shadows. */
function checkLiraOptions(o: MemorisationRegimeOptions, candidates: RegimeCandidate[]): number {
  const shadows = o.shadows ?? 0;
  if (!Number.isInteger(shadows) || shadows < 0 || shadows === 1 || shadows % 2 !== 0) {
    throw new Error(`${MEMORISATION_REGIME.name}: --shadows must be 0 (no LiRA audit) or an even integer >= 2, got ${JSON.stringify(o.shadows)}.`);
  }
  if (o.candidate != null) {
    if (!candidates.some((c) => c.name === o.candidate)) {
      throw new Error(`${MEMORISATION_REGIME.name}: unknown candidate '${o.candidate}'. Candidates of preset ${o.preset}: ${candidates.map((c) => c.name).join(', ')}.`);
    }
    if (shadows === 0) throw new Error(`${MEMORISATION_REGIME.name}: --candidate names the candidate the LiRA audit attacks; pass --shadows <n> too.`);
  }
  return shadows;
}

/**
 * For each candidate recipe and seed: the original model on the training subset and Retrain on the
 * retain set (10% uniform forget set), each with train / retain / forget / test accuracy and the
 * paper's MIA score, and training seconds. With `shadows`, a LiRA audit (offline and online) of one
 * candidate. Every finished cell is kept in the output folder's progress file and skipped on a rerun.
 */
export async function runMemorisationRegime(o: MemorisationRegimeOptions): Promise<MemorisationRegimeResult> {
  const p = presetOf(MEMORISATION_REGIME_PRESETS, o.preset);
  const candidates = o.candidates ?? p.candidates;
  if (candidates.length === 0) throw new Error(`${MEMORISATION_REGIME.name}: no candidates given.`);
  const dup = candidates.find((c, i) => candidates.findIndex((x) => x.name === c.name) !== i);
  if (dup) throw new Error(`${MEMORISATION_REGIME.name}: candidate name '${dup.name}' appears twice; names must be unique.`);
  const run = await startRun(MEMORISATION_REGIME, o, { seeds: p.seeds });
  const numShadows = checkLiraOptions(o, candidates);
  const store = ProgressStore.open<RegimeCell, RegimeLiraCell>(MEMORISATION_REGIME.name, o.outDir, { cell: checkCell, lira: checkLiraCell }, run.log);
  if (store.size > 0) run.log(`resuming: ${store.size} finished cell(s) found in ${o.outDir}`);
  let computed = 0;
  let resumed = 0;
  const cells: RegimeCell[] = [];
  const line = (c: RegimeCell, how: string) => {
    const f = (m: ModelMeasures) =>
      `train ${percent(m.trainAcc).toFixed(1)} test ${percent(m.testAcc).toFixed(1)} MIA ${m.mia.toFixed(1)}${m.seconds == null ? '' : ` (${m.seconds.toFixed(0)} s)`}`;
    run.log(`${c.candidate} seed ${c.seed} ${how}: original ${f(c.original)}; retrain ${f(c.retrain)}; separation ${c.separation.toFixed(1)}`);
  };
  for (const c of candidates) {
    for (const seed of run.seedList) {
      const key = cellKey(p, c, seed);
      const done = store.cell(key);
      if (done) {
        const cell = { ...done, candidate: c.name };
        cells.push(cell);
        resumed++;
        line(cell, '(resumed)');
        continue;
      }
      const t0 = performance.now();
      const cell = await runCell(run, p, c, seed, key);
      store.addCell(cell);
      cells.push(cell);
      computed++;
      line(cell, `(${secondsSince(t0).toFixed(0)} s)`);
    }
  }
  const summaries = summariseCandidates(cells, p.criteria);
  const chosen = chooseCandidate(summaries);
  run.log(chosen ? `chosen: ${chosen}` : 'no candidate meets the train-accuracy and gap criteria');
  const lira: RegimeLiraCell[] = [];
  if (numShadows > 0) {
    const best = summaries.reduce((a, b) => (b.separation > a.separation ? b : a)).candidate;
    const name = o.candidate ?? chosen ?? best;
    if (o.candidate == null && chosen == null) run.log(`LiRA audits ${best}: no candidate meets the criteria, so the largest separation`);
    const c = candidates.find((x) => x.name === name)!;
    const seed = 0;
    const key = liraKey(p, c, seed, numShadows);
    const done = store.lira(key);
    if (done) {
      lira.push({ ...done, candidate: c.name });
      resumed++;
    } else {
      const cell = await runLira(run, p, c, seed, numShadows, key);
      store.addLira(cell);
      lira.push(cell);
      computed++;
    }
    const l = lira[0];
    run.log(
      `LiRA ${c.name} (${numShadows} shadows): offline AUC ${l.offline.original.auc.toFixed(3)} (retrain ${l.offline.retrain.auc.toFixed(3)}), ` +
        `online AUC ${l.online.original.auc.toFixed(3)} (retrain ${l.online.retrain.auc.toFixed(3)}), ` +
        `TPR@1%FPR online ${percent(l.online.original.tprAt1pctFpr).toFixed(1)}%`,
    );
  }
  return {
    experiment: 'memorisation-regime',
    version: PROGRESS_VERSION,
    preset: o.preset,
    backend: run.backend,
    criteria: p.criteria,
    forgetFraction: p.forgetFraction,
    candidates: candidates.map((c) => ({ name: c.name, trainPerClass: c.trainPerClass, recipe: c.recipe, summary: recipeSummary(c) })),
    cells,
    lira,
    summaries,
    chosen,
    computed,
    resumed,
    progressFile: store.file,
    seconds: run.seconds(),
  };
}

import { size, type Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import type { Classifier } from '../models/classifier';
import { predict } from '../train/evaluate';
import { checkScoredSet, classFilteredIndices, randomSubset, splitAccuracies, type ScoredSet } from './attack-data';
import { mean, sampleStd } from './checks';
import { stratifiedKFold, stratifiedShuffleSplit, type Split } from './cross-validation';

/**
 * Loss-based logistic membership-inference attack (Kurmanji et al.'s SCRUB MIA, used by the 2024
 * DC-unlearning paper, docs/reference/modular-2024.md#b8, and by SULI, docs/reference/suli.md#s8).
 *
 * What it measures: the cross-validated accuracy of a logistic regression that tells forget
 * samples (label 1) from unseen test samples (label 0) using only the per-sample CE loss (clipped
 * to [-100, 100]). Ideal after unlearning: about 0.5 (50 %); 1.0 = forget samples perfectly
 * identifiable from their losses. The two sets are first balanced to equal size.
 */
export type CvSpec = { kind: 'kfold'; k: number } | { kind: 'shuffle-split'; nSplits: number; testSize: number };

export interface LossMiaOptions {
  cv: CvSpec;
  /** Keep only test samples whose class occurs in the forget set (SULI/SCRUB: yes; DC_U 2024: no). */
  classFilter: boolean;
  /** Balancing: 'random' subsample of the larger set (SCRUB/SULI), or 'truncate' both to the first m (DC_U loaders). */
  balance: 'random' | 'truncate';
  seed?: number | string;
}

/** Settings of each paper's code. */
export const LOSS_MIA_PRESETS = {
  /** DC_U 2024 (docs/reference/modular-2024.md#b8): StratifiedShuffleSplit(10, test 0.1), forget vs the whole test set, truncated. */
  dcu2024: { cv: { kind: 'shuffle-split', nSplits: 10, testSize: 0.1 }, classFilter: false, balance: 'truncate' },
  /** SULI (docs/reference/suli.md#s8-7 [rec]): "10-fold" taken as StratifiedKFold(10, shuffle), class-filtered test, random balancing. */
  suli: { cv: { kind: 'kfold', k: 10 }, classFilter: true, balance: 'random' },
  /** SCRUB's notebook as coded (docs/reference/suli.md#s8-6): StratifiedShuffleSplit(5, test 0.1), class-filtered. */
  scrub: { cv: { kind: 'shuffle-split', nSplits: 5, testSize: 0.1 }, classFilter: true, balance: 'random' },
} as const satisfies Record<string, LossMiaOptions>;

export interface LossMiaResult {
  /** Mean attack accuracy over the splits, as a fraction (x 100 for the papers' percent). */
  accuracy: number;
  /** Standard deviation over splits. */
  std: number;
  perSplit: number[];
  /** Samples per side after balancing. */
  perSide: number;
}

const WHERE = 'lossLogisticMia';

export function lossLogisticMia(forgetLosses: ScoredSet, testLosses: ScoredSet, opts: LossMiaOptions): LossMiaResult {
  checkScoredSet(WHERE, 'forgetLosses', forgetLosses);
  checkScoredSet(WHERE, 'testLosses', testLosses);
  const rng = new Rng(opts.seed ?? 0);
  const fIdx = Array.from({ length: forgetLosses.values.length }, (_, i) => i);
  const tIdx = opts.classFilter ? classFilteredIndices(testLosses, forgetLosses) : Array.from({ length: testLosses.values.length }, (_, i) => i);
  const m = Math.min(fIdx.length, tIdx.length);
  const minPerSide = opts.cv.kind === 'kfold' ? opts.cv.k : 2;
  if (m < minPerSide) {
    throw new Error(`${WHERE}: only ${m} samples per side after ${opts.classFilter ? 'class filtering and ' : ''}balancing (forget ${fIdx.length}, test ${tIdx.length}); need at least ${minPerSide}.`);
  }
  const f = opts.balance === 'random' ? randomSubset(fIdx, m, rng.fork('forget')) : fIdx.slice(0, m);
  const t = opts.balance === 'random' ? randomSubset(tIdx, m, rng.fork('test')) : tIdx.slice(0, m);
  const clip = (v: number): number => Math.max(-100, Math.min(100, v));
  const X = [...f.map((i) => [clip(forgetLosses.values[i])]), ...t.map((i) => [clip(testLosses.values[i])])];
  const y = [...f.map(() => 1), ...t.map(() => 0)];
  const splitRng = rng.fork('cv');
  const splits: Split[] = opts.cv.kind === 'kfold' ? stratifiedKFold(y, opts.cv.k, splitRng) : stratifiedShuffleSplit(y, opts.cv.nSplits, opts.cv.testSize, splitRng);
  const perSplit = splitAccuracies(X, y, splits);
  return { accuracy: mean(perSplit), std: sampleStd(perSplit), perSplit, perSide: m };
}

/** The same attack computed from a model's per-sample CE on the forget and test datasets. */
export async function lossLogisticMiaOfModel(model: Classifier, forget: Dataset, test: Dataset, opts: LossMiaOptions): Promise<LossMiaResult> {
  if (size(forget) === 0) throw new Error(`${WHERE}: the forget set ${forget.name}/${forget.split} is empty.`);
  if (size(test) === 0) throw new Error(`${WHERE}: the test set ${test.name}/${test.split} is empty.`);
  const pf = await predict(model, forget);
  const pt = await predict(model, test);
  return lossLogisticMia({ values: pf.losses, classes: pf.labels }, { values: pt.losses, classes: pt.labels }, opts);
}

import type { Rng } from '../engine/rng';
import { checkFinite, checkSameLength, type Numbers } from './checks';
import { fitLogisticRegression, predictProba, thresholdAccuracy, type LogisticOptions } from './logistic-regression';
import type { Split } from './cross-validation';

/** A per-sample attack feature (loss, logit-confidence, ...) with each sample's class label. */
export interface ScoredSet {
  values: Numbers;
  /** Class label of each sample (used for class filtering); same length as values. */
  classes: ArrayLike<number>;
}

export function checkScoredSet(where: string, name: string, s: ScoredSet): void {
  checkFinite(where, `${name}.values`, s.values);
  checkSameLength(where, `${name}.values`, s.values, `${name}.classes`, s.classes);
}

/** Indices of `s` whose class appears in `reference` (the class filter of docs/reference/blend-a-amu.md#a9 and docs/reference/suli.md#s8). */
export function classFilteredIndices(s: ScoredSet, reference: ScoredSet): number[] {
  const keep = new Set(Array.from(reference.classes));
  const out: number[] = [];
  for (let i = 0; i < s.classes.length; i++) if (keep.has(s.classes[i])) out.push(i);
  return out;
}

/** m indices drawn at random without replacement from `idx` (random subset; order random). */
export function randomSubset(idx: number[], m: number, rng: Rng): number[] {
  return rng.sample(idx, m);
}

/** Out-of-fold P(label 1) for every sample, from splits whose test parts cover each sample once (k-fold). */
export function outOfFoldProba(X: number[][], y: number[], splits: Split[], lr: LogisticOptions = {}): Float64Array {
  const proba = new Float64Array(y.length).fill(NaN);
  for (const s of splits) {
    const model = fitLogisticRegression(s.train.map((i) => X[i]), s.train.map((i) => y[i]), lr);
    const p = predictProba(model, s.test.map((i) => X[i]));
    s.test.forEach((i, j) => (proba[i] = p[j]));
  }
  return proba;
}

/** Accuracy (threshold 0.5) of a logistic attack on each split's test part. */
export function splitAccuracies(X: number[][], y: number[], splits: Split[], lr: LogisticOptions = {}): number[] {
  return splits.map((s) => {
    const model = fitLogisticRegression(s.train.map((i) => X[i]), s.train.map((i) => y[i]), lr);
    return thresholdAccuracy(
      predictProba(model, s.test.map((i) => X[i])),
      s.test.map((i) => y[i]),
    );
  });
}

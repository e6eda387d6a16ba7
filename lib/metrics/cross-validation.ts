import type { Rng } from '../engine/rng';
import { checkBinaryLabels } from './checks';

/** One train/test split: indices into the sample array. */
export interface Split {
  train: number[];
  test: number[];
}

/**
 * Stratified k-fold with shuffling (sklearn StratifiedKFold(shuffle=True) semantics, own RNG):
 * each class is shuffled and dealt round-robin into k folds, so every fold keeps the class ratio.
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, rng: Rng): Split[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`stratifiedKFold: k must be an integer >= 2, got ${k}.`);
  checkBinaryLabels('stratifiedKFold', labels);
  const folds: number[][] = Array.from({ length: k }, () => []);
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) idx.push(i);
    if (idx.length < k) throw new Error(`stratifiedKFold: class ${cls} has ${idx.length} samples, fewer than k = ${k} folds; use fewer folds or more samples.`);
    rng.shuffle(idx);
    idx.forEach((s, j) => folds[j % k].push(s));
  }
  return folds.map((test, f) => ({ test, train: folds.flatMap((fold, g) => (g === f ? [] : fold)) }));
}

/**
 * Stratified shuffle-split (sklearn StratifiedShuffleSplit semantics, own RNG): nSplits independent
 * random splits, each holding out round(testSize * n_c) samples of every class c (at least 1).
 */
export function stratifiedShuffleSplit(labels: ArrayLike<number>, nSplits: number, testSize: number, rng: Rng): Split[] {
  if (!Number.isInteger(nSplits) || nSplits < 1) throw new Error(`stratifiedShuffleSplit: nSplits must be a positive integer, got ${nSplits}.`);
  if (!(testSize > 0 && testSize < 1)) throw new Error(`stratifiedShuffleSplit: testSize must be in (0, 1), got ${testSize}.`);
  checkBinaryLabels('stratifiedShuffleSplit', labels);
  const byClass = [0, 1].map((cls) => Array.from({ length: labels.length }, (_, i) => i).filter((i) => labels[i] === cls));
  for (const [cls, idx] of byClass.entries()) {
    if (idx.length < 2) throw new Error(`stratifiedShuffleSplit: class ${cls} has ${idx.length} sample(s); need at least 2 per class.`);
  }
  return Array.from({ length: nSplits }, () => {
    const split: Split = { train: [], test: [] };
    for (const idx of byClass) {
      const perm = rng.shuffle(idx.slice()) as number[];
      const nTest = Math.min(idx.length - 1, Math.max(1, Math.round(testSize * idx.length)));
      split.test.push(...perm.slice(0, nTest));
      split.train.push(...perm.slice(nTest));
    }
    return split;
  });
}

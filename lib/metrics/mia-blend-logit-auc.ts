import { size, type Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import type { Classifier } from '../models/classifier';
import { predict, type Predictions } from '../train/evaluate';
import { checkScoredSet, classFilteredIndices, outOfFoldProba, randomSubset, type ScoredSet } from './attack-data';
import { confidenceOf } from './confidence';
import { stratifiedKFold } from './cross-validation';
import { auc } from './roc';

/**
 * The "MIA score" of the Blend/A-AMU paper (Khan 2025), exactly as its reference code computes it
 * (docs/reference/blend-a-amu.md#a9, #a12-1). Despite the reference's name "LiRA MIA" it is NOT LiRA (no shadow models): it
 * is a cross-validated 1-D logistic-regression attack on LiRA's logit-confidence feature,
 * reported as ROC-AUC x 100.
 *
 * What it measures: how well a threshold on phi = log(p_y / (1 - p_y)) separates forget samples
 * from class-matched unseen test samples. Ideal value after unlearning: about 50 (chance);
 * 100 = forget samples perfectly identifiable. Values below 50 happen from out-of-fold noise.
 *
 * Steps: (1) test restricted to the classes present in the forget set; (2) both truncated to
 * m = min(|F|, |T_filtered|) random samples; forget labelled 0, test 1; (3) StratifiedKFold(5,
 * shuffled), logistic regression (sklearn defaults: L2, C = 1) per fold, out-of-fold P(test) ->
 * AUC; (4) the swap rule: if the score is <= 42, recompute with the two sets' roles swapped (the
 * filter then keeps forget samples of the test set's classes) and return the larger score.
 * The reference repeats everything 20 times with fixed seeds and averages identical values; we
 * compute it once.
 */
export interface BlendMiaOptions {
  /** Seed of the random subsets and the folds (reference: random_state 0). */
  seed?: number | string;
  folds?: number;
  /** Scores <= this trigger the swapped recomputation (reference 42); set -Infinity to disable. */
  swapThreshold?: number;
}

export interface BlendMiaResult {
  /** The reported score: AUC x 100 (max of both orders when the swap rule fired). */
  score: number;
  /** Score of the forget-vs-test order. */
  scoreForward: number;
  /** Score with the roles swapped, when the rule fired. */
  scoreSwapped?: number;
  /** Samples per side (m). */
  perSide: number;
}

const WHERE = 'blendMiaScore';

function oneOrder(first: ScoredSet, second: ScoredSet, folds: number, rng: Rng): { score: number; m: number } {
  const secondIdx = classFilteredIndices(second, first);
  const m = Math.min(first.values.length, secondIdx.length);
  if (m < folds) {
    throw new Error(`${WHERE}: only ${m} samples per side after class filtering (forget ${first.values.length}, class-matched test ${secondIdx.length}); need at least ${folds} (the number of folds).`);
  }
  const a = randomSubset(Array.from({ length: first.values.length }, (_, i) => i), m, rng);
  const b = randomSubset(secondIdx, m, rng);
  const X = [...a.map((i) => [first.values[i]]), ...b.map((i) => [second.values[i]])];
  const y = [...a.map(() => 0), ...b.map(() => 1)];
  const proba = outOfFoldProba(X, y, stratifiedKFold(y, folds, rng));
  return { score: 100 * auc(proba, y), m };
}

/** Blend/A-AMU MIA score from precomputed logit-confidences of forget and (evaluation) test samples. */
export function blendMiaScore(forget: ScoredSet, test: ScoredSet, opts: BlendMiaOptions = {}): BlendMiaResult {
  checkScoredSet(WHERE, 'forget', forget);
  checkScoredSet(WHERE, 'test', test);
  const folds = opts.folds ?? 5;
  const threshold = opts.swapThreshold ?? 42;
  const rng = new Rng(opts.seed ?? 0);
  const fwd = oneOrder(forget, test, folds, rng.fork('forward'));
  if (fwd.score > threshold) return { score: fwd.score, scoreForward: fwd.score, perSide: fwd.m };
  const swp = oneOrder(test, forget, folds, rng.fork('swapped'));
  return { score: Math.max(fwd.score, swp.score), scoreForward: fwd.score, scoreSwapped: swp.score, perSide: fwd.m };
}

/** The same score computed from a model: phi with the reference's clamping (docs/reference/blend-a-amu.md#a9-1). */
export async function blendMiaScoreOfModel(model: Classifier, forget: Dataset, test: Dataset, opts: BlendMiaOptions = {}): Promise<BlendMiaResult> {
  if (size(forget) === 0) throw new Error(`${WHERE}: the forget set ${forget.name}/${forget.split} is empty.`);
  if (size(test) === 0) throw new Error(`${WHERE}: the test set ${test.name}/${test.split} is empty.`);
  return blendMiaScoreOfPredictions(await predict(model, forget), await predict(model, test), opts);
}

/** The same score from a model's predictions on the forget and test sets (callers that also need their accuracies). */
export function blendMiaScoreOfPredictions(forget: Predictions, test: Predictions, opts: BlendMiaOptions = {}): BlendMiaResult {
  return blendMiaScore(
    { values: confidenceOf(forget, { referenceClamp: true }), classes: forget.labels },
    { values: confidenceOf(test, { referenceClamp: true }), classes: test.labels },
    opts,
  );
}

import type { Dataset } from '../../data/dataset';
import type { RunHealth, UnlearnEpoch } from '../contract';

/*
 * The divergence guard (issue 22). A non-finite loss or weight is an error (the training loop throws);
 * a run that stayed finite but diverged, or left a model no better than a constant guess, is flagged
 * instead: its result carries health.status 'diverged' or 'chance', and result tables show the status
 * on the method name (see lib/experiments/shared/measure.ts), so it never reads as an ordinary row.
 *
 * Rules on the history's main loss (every method's is a cross-entropy, or built on one), with K classes:
 * - bound: |loss| > LOSS_BOUND_FACTOR * ln K in some epoch. A uniform guess scores ln K (2.3 for 10
 *   classes); a descent loss 100x that means exploding logits. Gradient-ascent methods (NegGrad, whose
 *   loss is -CE on the forget set and so unbounded below) get this bound as their own: a forget
 *   cross-entropy over 100 ln K means logit gaps of hundreds, far past "forget accuracy 0", where their
 *   stop rule ends a healthy run.
 * - growth: a positive (minimised) loss that grows by GROWTH_FACTOR over its first epoch's value and
 *   ends above ln K. It does not apply to ascent, whose loss is negative and falls by design.
 * Chance, measured where the model is evaluated: an accuracy at most CHANCE_MARGIN above the share of
 * the set's most frequent class (what a constant prediction scores; 1/K on a balanced set).
 */
export const LOSS_BOUND_FACTOR = 100;
export const GROWTH_FACTOR = 1000;
export const CHANCE_MARGIN = 0.02;

export const HEALTHY: RunHealth = { status: 'ok', reason: '' };

const fmt = (v: number) => (Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toPrecision(4));

/** The verdict on a finished run's loss history (rules above); 'ok' for an empty history. */
export function lossHealth(history: readonly UnlearnEpoch[], numClasses: number): RunHealth {
  const scale = Math.log(numClasses);
  const bound = LOSS_BOUND_FACTOR * scale;
  const losses = history.filter((h) => Number.isFinite(h.loss));
  for (const h of losses) {
    if (Math.abs(h.loss) > bound) {
      return { status: 'diverged', reason: `loss ${fmt(h.loss)} in epoch ${h.epoch}: |loss| over ${LOSS_BOUND_FACTOR} x ln ${numClasses} = ${fmt(bound)}` };
    }
  }
  const first = losses[0]?.loss;
  if (first != null && first > 0) {
    for (const h of losses) {
      if (h.loss > GROWTH_FACTOR * first && h.loss > scale) {
        return { status: 'diverged', reason: `loss grew from ${fmt(first)} (epoch ${losses[0].epoch}) to ${fmt(h.loss)} (epoch ${h.epoch}), over ${GROWTH_FACTOR}x` };
      }
    }
  }
  return HEALTHY;
}

/** The share of a set's most frequent class: the accuracy of a constant prediction. */
export function majorityShare(ds: Dataset): number {
  const counts = new Map<number, number>();
  for (const y of ds.labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  return Math.max(0, ...counts.values()) / Math.max(1, ds.labels.length);
}

/**
 * A run's verdict once its model is measured: the loss verdict when it is not 'ok', else 'chance' when
 * one of the named accuracies is within CHANCE_MARGIN of its set's constant-prediction accuracy.
 */
export function measuredHealth(loss: RunHealth, accuracies: ReadonlyArray<{ name: string; accuracy: number; set: Dataset }>): RunHealth {
  if (loss.status !== 'ok') return loss;
  for (const { name, accuracy, set } of accuracies) {
    const chance = majorityShare(set);
    if (accuracy <= chance + CHANCE_MARGIN) {
      return { status: 'chance', reason: `${name} ${(100 * accuracy).toFixed(1)}% is at chance (a constant prediction scores ${(100 * chance).toFixed(1)}%)` };
    }
  }
  return loss;
}

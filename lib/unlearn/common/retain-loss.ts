import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset';
import { crossEntropy } from '../../train/losses';
import type { UnlearnInputs, UnlearnResult, Unlearner } from '../contract';
import type { Checks } from './config';
import type { StepContext, TrainPass } from './training';

/**
 * How a wrapper (A-AMU) changes a base method's retain-step loss without copying the method:
 *   loss = w * main(CE_retain) + (the base's other terms) + extra(...)
 * main transforms the batch-mean cross-entropy on the retain batch (A-AMU squares it); prepare runs
 * before the gradient tape (sampling, detached tensors); extra adds a term inside the tape.
 */
export interface RetainLossHook {
  name: string;
  main(ce: tf.Scalar): tf.Scalar;
  prepare?(ctx: StepContext): unknown;
  extra?(ctx: StepContext, prepared: unknown): tf.Scalar;
}

/** The unchanged loss: main = identity, nothing extra. */
export const PLAIN_LOSS: RetainLossHook = { name: 'plain', main: (ce) => ce };

/** A method whose retain-step loss a wrapper can change (every method with a cross-entropy retain pass). */
export interface HookableUnlearner<C> extends Unlearner<C> {
  /** The checks of every config key (lets a wrapper validate under its own name). */
  checks: Checks<C>;
  runWithHook(inputs: UnlearnInputs<C>, hook: RetainLossHook): Promise<UnlearnResult>;
}

export interface RetainTerms {
  /** Weight of main(CE) (SCRUB's gamma; 1 otherwise). */
  ceWeight?: number;
  /** The base method's own extra terms (L1 penalty, teacher KL), computed inside the tape. */
  other?: (ctx: StepContext, logits: tf.Tensor2D) => tf.Scalar | null;
}

/** A pass over the retain set whose loss is ceWeight * hook.main(CE) + other + hook.extra. */
export function retainPass(data: Dataset, batchSize: number, hook: RetainLossHook, terms: RetainTerms = {}): TrainPass {
  return {
    name: 'retain',
    data,
    batchSize,
    prepare: hook.prepare ? (ctx) => hook.prepare!(ctx) : undefined,
    loss: (ctx, prepared) => {
      const logits = ctx.model.forward(ctx.x, true);
      let loss = hook.main(crossEntropy(logits, ctx.y));
      if (terms.ceWeight != null && terms.ceWeight !== 1) loss = tf.mul(loss, terms.ceWeight);
      const other = terms.other?.(ctx, logits);
      if (other != null) loss = tf.add(loss, other);
      if (hook.extra) loss = tf.add(loss, hook.extra(ctx, prepared));
      return loss;
    },
  };
}

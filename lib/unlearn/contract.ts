import type { Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import type { ProgressSink } from '../train/progress';

/**
 * What every unlearning method receives. The original model is never modified: a method works on
 * its own copy (cloneModel) and returns it.
 */
export interface UnlearnInputs<C> {
  /** The trained model to unlearn from (left unchanged). */
  original: Classifier;
  /** Retain set: the full real retain set or a reduced one (condense/), with its ids. */
  retain: Dataset;
  /** Forget set (must be non-empty). */
  forget: Dataset;
  /** Class-matched test pool (the 70% pool of the Blend/A-AMU protocol); used by A-AMU. */
  testPool: Dataset;
  /** Optional reference set (SULI's 1% per-class set for the instance-wise stopping rule). */
  reference?: Dataset;
  /** Method settings; missing fields take the method's defaults. */
  config?: Partial<C>;
  /** One seed for everything random inside the method (batch order, sampling). */
  seed: number | string;
  onProgress?: ProgressSink;
}

/** Wall-clock seconds of one run, split into named phases (e.g. { train: 3.1, prune: 0.4 }). */
export interface UnlearnTiming {
  seconds: number;
  phases: Record<string, number>;
}

/** One row per epoch (or per outer step for methods without epochs). */
export interface UnlearnEpoch {
  epoch: number;
  loss: number;
  seconds: number;
  /** Method-specific numbers (e.g. forget accuracy, L1 weight, sparsity). */
  extra?: Record<string, number>;
}

export interface UnlearnResult {
  model: Classifier;
  timing: UnlearnTiming;
  history: UnlearnEpoch[];
  /** The full config the method ran with (defaults filled in). */
  config: Record<string, unknown>;
}

/** An unlearning method. One file per method; all are listed in the registry by name. */
export interface Unlearner<C = Record<string, unknown>> {
  /** Registry name, e.g. 'cf', 'a-cf', 'suli'. */
  name: string;
  /** One line: what the method does and where it comes from. */
  description: string;
  /** False for methods that use only the forget set (SU, SULI, NegGrad, ...). */
  usesRetain: boolean;
  defaults: C;
  run(inputs: UnlearnInputs<C>): Promise<UnlearnResult>;
}

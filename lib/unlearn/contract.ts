import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import type { ProgressSink } from '../train/progress';
import type { Check } from './framework/config';

/**
 * What every unlearning method receives. The original model is never modified: a method works on
 * its own copy and returns it.
 */
export interface UnlearnInputs {
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
  /**
   * Remembrance set: a few labelled images per class kept outside the training set (the 2024 paper's
   * modular unlearning trains its Final part on it); lib/data/splits remembranceSplit draws one.
   */
  remembrance?: Dataset;
  /** Method settings; missing fields take the method's defaults (see Unlearner.defaults and checks). */
  config?: Record<string, unknown>;
  /** One seed for everything random inside the method (batch order, sampling). */
  seed: number | string;
  onProgress?: ProgressSink;
  /** Measures the model while it is being unlearned (e.g. MIA every few steps); see UnlearnProbe. */
  probe?: UnlearnProbe;
}

/**
 * A measurement taken during unlearning: before the first step, every `everySteps` optimiser steps and
 * after the last one. `seconds` is the method's own time so far; the probe's time is left out of it and
 * out of the result's timing, so a curve of (seconds, measure) is the method's cost to reach each point.
 * Supported by the retain-set and forget-set-only frameworks (runMethod refuses it elsewhere).
 */
export interface UnlearnProbe {
  everySteps: number;
  measure: (model: Classifier, steps: number, seconds: number) => Promise<void>;
}

/** Wall-clock seconds of one run: the sum of its named phases (e.g. { setup: 0.1, train: 3.1 }). */
export interface UnlearnTiming {
  seconds: number;
  phases: Record<string, number>;
}

/** One row per epoch (or per outer step for methods without epochs, e.g. a SULI layer update). */
export interface UnlearnEpoch {
  epoch: number;
  loss: number;
  seconds: number;
  /** Method-specific numbers (e.g. forget accuracy, L1 weight, sparsity). */
  extra?: Record<string, number>;
}

/**
 * The divergence guard's verdict (lib/unlearn/framework/health.ts): 'ok'; 'diverged' (the loss left its
 * bound or grew by orders of magnitude); 'chance' (a measured accuracy is that of a constant guess).
 */
export type HealthStatus = 'ok' | 'diverged' | 'chance';
export interface RunHealth {
  status: HealthStatus;
  /** Why it is not 'ok' (empty when it is). */
  reason: string;
}

export interface UnlearnResult {
  model: Classifier;
  timing: UnlearnTiming;
  history: UnlearnEpoch[];
  /** The full config the method ran with (defaults filled in). */
  config: Record<string, unknown>;
  /** The loss-history verdict; experiments add 'chance' once they measure the model. */
  health: RunHealth;
}

/** 'class': whole classes are forgotten; 'instance': a few samples (stop rules differ). */
export type UnlearnMode = 'class' | 'instance';

/** The input sets a method reads besides the original model and the forget set (which every method needs). */
export interface InputUse {
  retain: boolean;
  testPool: boolean;
  /** Reads inputs.reference when given (SULI's instance-wise stop rule needs it). */
  reference: boolean;
  /** Needs inputs.remembrance (the modular method). */
  remembrance?: boolean;
}

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

/** What a loss function sees for one minibatch of a pass. */
export interface StepContext {
  model: Classifier;
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  /** Positions of the batch in the pass's dataset (e.g. to look up per-sample tags). */
  positions: Int32Array;
  /** 0-based epoch and step within the pass. */
  epoch: number;
  step: number;
}

/**
 * An unlearning method, as every caller sees it. One file per method (made with defineUnlearner), one
 * line in the registry; the conformance suite (test/unlearn/conformance.test.ts) checks each of them.
 */
export interface Unlearner {
  /** Registry name, e.g. 'cf', 'a-cf', 'suli'. */
  readonly name: string;
  /** One line: what the method does and where it comes from. */
  readonly description: string;
  readonly uses: InputUse;
  /** Values config.mode accepts; empty for methods without a mode setting (they work on any forget set). */
  readonly modes: readonly UnlearnMode[];
  /** Every config key with its default (the default preset row for methods with presets). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The rule of every config key. */
  readonly checks: Readonly<Record<string, Check>>;
  /** Settings that make a run take about a second on a tiny model (conformance suite, smoke runs). */
  readonly smokeConfig: Readonly<Record<string, unknown>>;
  /** True when a wrapper may change its retain-step loss (A-AMU wraps these through the method's spec and a RetainLossHook). */
  readonly hookable: boolean;
  /** The full config a run with `given` would use; throws the one config wording on a bad key or value. */
  resolveConfig(given?: Record<string, unknown>): Record<string, unknown>;
  run(inputs: UnlearnInputs): Promise<UnlearnResult>;
}

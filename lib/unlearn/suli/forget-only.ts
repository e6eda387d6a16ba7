import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../../data/batches';
import { size, type Dataset } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import { PhaseTimer } from '../../engine/timer';
import type { Classifier } from '../../models/classifier';
import { cloneModel } from '../../models/registry';
import { crossEntropy } from '../../train/losses';
import type { OptimizerSpec } from '../../train/optimizers';
import type { UnlearnInputs, UnlearnResult } from '../contract';
import { checkForgetInputs, checkInt, checkNumber, checkOneOf, mergeConfig } from './config';
import { runForgetLoop, STOP_CHECK_EVERY, type StepLoss, type StopCheckEvery } from './forget-loop';
import { REFERENCE_TARGETS, STOP_KINDS, StopRule, UNLEARN_MODES, type ReferenceTarget, type StopKind, type UnlearnMode } from './stopping';

/** Settings every forget-set-only method here shares: the protocol, its stopping rule and the loop budget. */
export interface ForgetOnlyConfig {
  /** 'class' (stop at forget accuracy 0) or 'instance' (stop at the reference accuracy). */
  mode: UnlearnMode;
  /** 'target': stop when the mode's target is reached; 'none': always run all epochs. */
  stop: StopKind;
  /** Instance-wise target: the original model's reference accuracy (code) or the current model's. */
  referenceTarget: ReferenceTarget;
  stopCheck: StopCheckEvery;
  /** Maximum epochs over the forget set. */
  epochs: number;
  batchSize: number;
  lr: number;
}

export function checkForgetOnlyConfig(method: string, c: ForgetOnlyConfig): void {
  checkOneOf(method, 'mode', c.mode, UNLEARN_MODES);
  checkOneOf(method, 'stop', c.stop, STOP_KINDS);
  checkOneOf(method, 'referenceTarget', c.referenceTarget, REFERENCE_TARGETS);
  checkOneOf(method, 'stopCheck', c.stopCheck, STOP_CHECK_EVERY);
  checkInt(method, 'epochs', c.epochs, 0);
  checkInt(method, 'batchSize', c.batchSize, 1);
  checkNumber(method, 'lr', c.lr, 0, Infinity, true);
}

/** SGD settings of the L2UL/Boundary baselines. */
export interface SgdConfig {
  momentum: number;
  weightDecay: number;
}

function checkSgdConfig(method: string, c: SgdConfig): void {
  checkNumber(method, 'momentum', c.momentum, 0, 1);
  checkNumber(method, 'weightDecay', c.weightDecay, 0);
}

/**
 * L2UL's NegGrad recipe (SPEC 9): SGD lr 1e-3, momentum 0.9, wd 1e-4, forget batch 32 (CIFAR), check
 * every epoch, stop at the class-wise target, cap 1000 epochs. Random Label and Initial Label have no
 * recipe of their own and adopt it (SPEC 9 [rec]).
 */
export const L2UL_SGD_DEFAULTS: ForgetOnlyConfig & SgdConfig = {
  mode: 'class',
  stop: 'target',
  referenceTarget: 'original',
  stopCheck: 'epoch',
  epochs: 1000,
  batchSize: 32,
  lr: 1e-3,
  momentum: 0.9,
  weightDecay: 1e-4,
};

/** An SGD baseline's config: `given` over `defaults`, with the forget-loop and SGD fields checked. */
export function resolveSgdConfig<C extends ForgetOnlyConfig & SgdConfig>(method: string, defaults: C, given: Partial<C> | undefined): C {
  const c = mergeConfig(method, defaults, given);
  checkForgetOnlyConfig(method, c);
  checkSgdConfig(method, c);
  return c;
}

export function sgdOptimizer(c: SgdConfig): OptimizerSpec {
  return { kind: 'sgd', momentum: c.momentum, weightDecay: c.weightDecay };
}

/**
 * One epoch of steps over `data` in the order drawn from `order`: cross-entropy toward its labels
 * (the re-labelling baselines), or its negative with `ascend` (NegGrad's gradient ascent).
 */
export function crossEntropySteps(model: Classifier, data: Dataset, batchSize: number, order: Rng, ascend = false): StepLoss[] {
  return epochBatches(size(data), batchSize, order).map((b) => () => {
    const { x, y } = batchTensors(data, b);
    const ce = crossEntropy(model.forward(x, true), y);
    return ascend ? tf.neg(ce) : ce;
  });
}

export interface PrepareContext {
  /** The working copy being unlearned. */
  model: Classifier;
  original: Classifier;
  forget: Dataset;
  rng: Rng;
}

export interface Prepared {
  epochSteps: (epoch: number) => StepLoss[];
  /** Tensors to free when the run ends (adversarial images, importance weights, ...). */
  tensors?: tf.Tensor[];
  /** Numbers worth keeping from the preparation (e.g. attack success rate). */
  info?: Record<string, number>;
}

/**
 * Runs a forget-set-only method: checks the inputs, clones the original, builds the method's
 * per-epoch steps ('prepare' phase: labels, adversarial examples, importance), then runs the shared
 * loop with the stopping rule. What `prepare` reports, the step count and whether the rule fired
 * are added to the last history row.
 */
export async function runForgetOnly<C extends ForgetOnlyConfig>(
  method: string,
  inputs: UnlearnInputs<C>,
  config: C,
  optimizer: OptimizerSpec,
  prepare: (ctx: PrepareContext) => Prepared,
): Promise<UnlearnResult> {
  checkForgetInputs(method, inputs.original, inputs.forget, inputs.reference);
  const t0 = performance.now();
  const timer = new PhaseTimer();
  const stopRule = timer.time('stop-check', () => StopRule.create(method, config, inputs.original, inputs.reference));
  const model = cloneModel(inputs.original);
  let prepared: Prepared | null = null;
  try {
    const rng = new Rng(inputs.seed).fork(method);
    prepared = timer.time('prepare', () => prepare({ model, original: inputs.original, forget: inputs.forget, rng }));
    const out = await runForgetLoop({
      method,
      model,
      forget: inputs.forget,
      stopRule,
      stopCheck: config.stopCheck,
      epochs: config.epochs,
      lr: config.lr,
      optimizer,
      epochSteps: prepared.epochSteps,
      timer,
      onProgress: inputs.onProgress,
    });
    // Run facts go on the last history row: the config stays exactly what the method ran with.
    const lastRow = out.history.at(-1);
    if (lastRow != null) {
      lastRow.extra = { ...lastRow.extra, ...(prepared.info ?? {}), totalSteps: out.steps, stoppedEarly: out.stoppedEarly ? 1 : 0 };
    }
    return {
      model,
      timing: { seconds: (performance.now() - t0) / 1000, phases: timer.record() },
      history: out.history,
      config: { ...config } as Record<string, unknown>,
    };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    prepared?.tensors?.forEach((t) => t.dispose());
  }
}

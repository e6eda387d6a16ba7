import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../../data/batches';
import { size, type Dataset } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import type { Classifier } from '../../models/classifier';
import { cloneModel } from '../../models/registry';
import { crossEntropy } from '../../train/losses';
import { trainLoop, type LoopStep } from '../../train/loop';
import { createOptimizer, type OptimizerSpec } from '../../train/optimizers';
import type { UnlearnEpoch, UnlearnMode } from '../contract';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber, unitInterval, type Checks } from './config';
import { probeHooks } from './probe';
import type { MethodOutput, MethodRun } from './define';
import { StopRule, type ReferenceTarget, type StopKind } from './stopping';

/** When the stopping rule is checked: after each epoch (NegGrad/RL in L2UL) or each step (ADV+IMP). */
export type StopCheckEvery = 'epoch' | 'step';

/** Settings every forget-set-only method shares: the protocol, its stopping rule and the loop budget. */
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

/** The modes of every forget-set-only method. */
export const FORGET_ONLY_MODES: readonly UnlearnMode[] = ['class', 'instance'];

/** The checks of the stopping-rule fields (SULI has them without the loop budget). */
export const STOP_RULE_CHECKS: Checks<Pick<ForgetOnlyConfig, 'mode' | 'stop' | 'referenceTarget'>> = {
  mode: oneOf(...FORGET_ONLY_MODES),
  stop: oneOf('target', 'none'),
  referenceTarget: oneOf('original', 'current'),
};

export const FORGET_ONLY_CHECKS: Checks<ForgetOnlyConfig> = {
  ...STOP_RULE_CHECKS,
  stopCheck: oneOf('epoch', 'step'),
  epochs: nonNegativeInt,
  batchSize: positiveInt,
  lr: positiveNumber,
};

/** SGD settings of the L2UL/Boundary baselines. */
export interface SgdConfig {
  momentum: number;
  weightDecay: number;
}

export const SGD_CHECKS: Checks<ForgetOnlyConfig & SgdConfig> = { ...FORGET_ONLY_CHECKS, momentum: unitInterval, weightDecay: nonNegativeNumber };

/**
 * L2UL's NegGrad recipe (docs/reference/suli.md#s9): SGD lr 1e-3, momentum 0.9, wd 1e-4, forget batch 32 (CIFAR), check
 * every epoch, stop at the class-wise target, cap 1000 epochs. Random Label and Initial Label have no
 * recipe of their own and adopt it (docs/reference/suli.md#s9 [rec]).
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

export function sgdOptimizer(c: SgdConfig): OptimizerSpec {
  return { kind: 'sgd', momentum: c.momentum, weightDecay: c.weightDecay };
}

/** One optimisation step: returns the loss to minimise, built inside the gradient tape. */
export type StepLoss = () => tf.Scalar;

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
  /** The steps of one epoch (async when building them reads from the device, e.g. Boundary Shrink's neighbour labels). */
  epochSteps: (epoch: number) => StepLoss[] | Promise<StepLoss[]>;
  /** Tensors to free when the run ends (adversarial images, importance weights, ...). */
  tensors?: tf.Tensor[];
  /** Numbers worth keeping from the preparation (e.g. attack success rate). */
  info?: Record<string, number>;
}

/**
 * The train function of a forget-set-only method (SU, NegGrad, Random Label, Initial Label, Boundary
 * Shrink, ADV+IMP): the stopping rule ('stop-check' phase), a copy of the original, the method's
 * per-epoch steps ('prepare' phase: labels, adversarial examples, importance), then the one loop with
 * one optimiser for the whole run: each epoch's steps built in the 'relabel' phase, every step in
 * 'train', each stop check in 'stop-check'. What `prepare` reports, the step count and whether the
 * rule fired go on the last history row (the config stays exactly what the method ran with).
 */
export function forgetTraining<C extends ForgetOnlyConfig>(
  name: string,
  optimizer: (c: C) => OptimizerSpec,
  prepare: (ctx: PrepareContext, config: C) => Prepared | Promise<Prepared>,
): (run: MethodRun<C>) => Promise<MethodOutput> {
  return async ({ inputs, config, timer }) => {
    const stopRule = await timer.timeAsync('stop-check', () => StopRule.create(name, config, inputs.original, inputs.reference));
    const model = cloneModel(inputs.original);
    let prepared: Prepared | null = null;
    try {
      const rng = new Rng(inputs.seed).fork(name);
      prepared = await timer.timeAsync('prepare', async () => prepare({ model, original: inputs.original, forget: inputs.forget, rng }, config));
      const p = prepared;
      const history: UnlearnEpoch[] = [];
      let last = { forgetAccuracy: NaN, target: NaN, reached: false };
      let totalSteps = 0;
      let stoppedEarly = false;
      // Steps, relabelling and stop checks are timed one by one, so the probe (between them) is never counted.
      const probe = probeHooks(inputs.probe, model, () => timer.total());
      await probe.start();
      await trainLoop({
        task: name,
        params: model.parameters(),
        epochs: config.epochs,
        optimizer: () => createOptimizer(optimizer(config)),
        lr: () => config.lr,
        beforeEpoch: () => {
          last = { forgetAccuracy: NaN, target: NaN, reached: false };
        },
        passes: async (e) => [{ name: 'forget', steps: (await p.epochSteps(e)).map((loss): LoopStep => ({ weight: 1, build: () => loss })) }],
        readLoss: 'step',
        stop: {
          every: config.stopCheck,
          check: async () => {
            last = await timer.timeAsync('stop-check', () => stopRule.check(model, inputs.forget));
            return last.reached;
          },
        },
        timeStep: (fn) => timer.time('train', fn),
        timeBuild: (fn) => timer.timeAsync('relabel', fn),
        afterStep: () => probe.afterStep(),
        afterEpoch: (r) => {
          totalSteps += r.steps;
          stoppedEarly = r.stopped;
          history.push({ epoch: r.epoch + 1, loss: r.loss, seconds: r.seconds, extra: { forgetAccuracy: last.forgetAccuracy, target: last.target, steps: r.steps } });
          return { info: { 'forget acc': last.forgetAccuracy } };
        },
        onProgress: inputs.onProgress,
        nanHint: 'Lower config.lr.',
      });
      await probe.finish();
      const lastRow = history.at(-1);
      if (lastRow != null) lastRow.extra = { ...lastRow.extra, ...(p.info ?? {}), totalSteps, stoppedEarly: stoppedEarly ? 1 : 0 };
      return { model, history, probed: probe.used() };
    } catch (e) {
      model.dispose();
      throw e;
    } finally {
      prepared?.tensors?.forEach((t) => t.dispose());
    }
  };
}

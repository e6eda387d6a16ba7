import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../../data/batches';
import { size, type Dataset } from '../../data/dataset';
import type { Rng } from '../../engine/rng';
import type { Classifier } from '../../models/classifier';
import { createOptimizer, type Optimizer } from '../../train/optimizers';
import { ProgressTracker, type ProgressSink } from '../../train/progress';
import { LrSchedule } from '../../train/schedule';
import type { UnlearnEpoch } from '../contract';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber, unitInterval, type Checks } from './config';

/** Optimisation settings shared by every method that trains (the reference's per-method SGD/Adam recipes). */
export interface TrainConfig {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  /** SGD momentum (ignored by Adam). */
  momentum: number;
  /** Coupled L2 weight decay, PyTorch style. */
  weightDecay: number;
  /** Per-epoch LR: constant, or cosine to 0 after a linear warm-up (the reference LambdaLR). */
  schedule: 'constant' | 'cosine';
  /** Linear warm-up epochs: lr * (e + 1) / warmup for e < warmup. */
  warmupEpochs: number;
}

export const TRAIN_CHECKS: Checks<TrainConfig> = {
  epochs: positiveInt,
  batchSize: positiveInt,
  lr: positiveNumber,
  optimizer: oneOf('sgd', 'adam'),
  momentum: unitInterval,
  weightDecay: nonNegativeNumber,
  schedule: oneOf('constant', 'cosine'),
  warmupEpochs: nonNegativeInt,
};

export function makeOptimizer(c: TrainConfig): Optimizer {
  return c.optimizer === 'adam'
    ? createOptimizer({ kind: 'adam', weightDecay: c.weightDecay })
    : createOptimizer({ kind: 'sgd', momentum: c.momentum, weightDecay: c.weightDecay });
}

export function makeSchedule(c: TrainConfig): LrSchedule {
  return new LrSchedule(c.lr, c.epochs, { kind: c.schedule, warmup: c.warmupEpochs });
}

/** What a loss function sees for one minibatch. */
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
 * One shuffled pass over a dataset. prepare runs before the gradient tape (draw extra samples, compute
 * tensors that must not be differentiated); loss runs inside it. Tensors of both are freed after the step.
 */
export interface TrainPass {
  name: string;
  data: Dataset;
  batchSize: number;
  prepare?: (ctx: StepContext) => unknown;
  loss: (ctx: StepContext, prepared: unknown) => tf.Scalar;
}

export interface TrainingPlan {
  model: Classifier;
  epochs: number;
  optimizer: Optimizer;
  schedule: LrSchedule;
  /** The passes of one epoch, in order (e.g. SCRUB: forget max-pass, then retain min-pass). */
  passes: (epoch: number) => TrainPass[];
  /** Name of the pass whose mean loss is the epoch's `loss` in the history. */
  mainPass: string;
  /** Seeded stream for the batch order; each pass name gets its own fork. */
  rng: Rng;
  /** Runs before each epoch (e.g. a pruning round); the numbers go into the history's extra. */
  beforeEpoch?: (epoch: number) => Record<string, number> | void;
  /** Runs after every optimiser step (e.g. re-apply pruning masks). */
  afterStep?: () => void;
  /** Numbers to add to an epoch's history row. */
  epochExtra?: (epoch: number) => Record<string, number>;
  task: string;
  onProgress?: ProgressSink;
}

/**
 * The shared training loop of the unlearning methods: for each epoch, each pass, each shuffled batch,
 * one optimiser step on the pass's loss at the epoch's learning rate. Returns one history row per epoch
 * and throws when a loss becomes NaN or infinite.
 */
export async function runTraining(plan: TrainingPlan): Promise<UnlearnEpoch[]> {
  const params = plan.model.parameters();
  const perEpoch = Array.from({ length: plan.epochs }, (_, e) => plan.passes(e));
  const totalSteps = perEpoch.reduce((s, passes) => s + passes.reduce((t, p) => t + Math.ceil(size(p.data) / p.batchSize), 0), 0);
  const tracker = new ProgressTracker(plan.task, totalSteps, plan.onProgress);
  const passRngs = new Map<string, Rng>();
  const history: UnlearnEpoch[] = [];
  let done = 0;
  for (let epoch = 0; epoch < plan.epochs; epoch++) {
    const t0 = performance.now();
    const extra: Record<string, number> = { ...(plan.beforeEpoch?.(epoch) ?? {}) };
    const lr = plan.schedule.lr(epoch);
    extra.lr = lr;
    let mainLoss = NaN;
    for (const pass of perEpoch[epoch]) {
      let rng = passRngs.get(pass.name);
      if (rng == null) {
        rng = plan.rng.fork(pass.name);
        passRngs.set(pass.name, rng);
      }
      // The pass's loss is summed on the device and read once at its end, so steps never wait on a read.
      let sum = tf.keep(tf.scalar(0));
      const batches = epochBatches(size(pass.data), pass.batchSize, rng);
      for (let step = 0; step < batches.length; step++) {
        const positions = batches[step];
        const next = tf.tidy(() => {
          const { x, y } = batchTensors(pass.data, positions);
          const ctx: StepContext = { model: plan.model, x, y, positions, epoch, step };
          const prepared = pass.prepare?.(ctx);
          const { value, grads } = tf.variableGrads(() => pass.loss(ctx, prepared), params);
          plan.optimizer.step(params, params.map((p) => grads[p.name]), lr);
          return tf.add(sum, tf.mul(value, positions.length)) as tf.Scalar;
        });
        sum.dispose();
        sum = tf.keep(next);
        plan.afterStep?.();
        done += 1;
        tracker.update(done, { epoch: epoch + 1, epochs: plan.epochs });
      }
      const loss = sum.dataSync()[0] / size(pass.data);
      sum.dispose();
      if (!Number.isFinite(loss)) {
        throw new Error(
          `${plan.task}: the ${pass.name} loss became ${loss} in epoch ${epoch + 1} (lr ${lr}). Lower the learning rate or check the data for NaN.`,
        );
      }
      extra[`${pass.name}Loss`] = loss;
      if (pass.name === plan.mainPass) mainLoss = loss;
    }
    Object.assign(extra, plan.epochExtra?.(epoch) ?? {});
    plan.schedule.observe(mainLoss);
    const seconds = (performance.now() - t0) / 1000;
    history.push({ epoch: epoch + 1, loss: mainLoss, seconds, extra });
    tracker.update(done, { epoch: epoch + 1, epochs: plan.epochs, loss: mainLoss }, true);
    // Let other work (progress output, notebooks) run between epochs.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return history;
}

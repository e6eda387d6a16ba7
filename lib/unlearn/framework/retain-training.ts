import * as tf from '@tensorflow/tfjs';
import { batchTensors, epochBatches } from '../../data/batches';
import { size, type Dataset } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import type { Classifier } from '../../models/classifier';
import { cloneModel } from '../../models/registry';
import { crossEntropy } from '../../train/losses';
import { trainLoop, type LoopPass } from '../../train/loop';
import { createOptimizer, type Optimizer } from '../../train/optimizers';
import { LrSchedule } from '../../train/schedule';
import type { RetainLossHook, StepContext, UnlearnEpoch } from '../contract';
import { nonNegativeInt, nonNegativeNumber, oneOf, positiveInt, positiveNumber, unitInterval, type Checks } from './config';
import type { MethodOutput, MethodRun } from './define';
import { probeHooks } from './probe';

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

function makeOptimizer(c: TrainConfig): Optimizer {
  return c.optimizer === 'adam'
    ? createOptimizer({ kind: 'adam', weightDecay: c.weightDecay })
    : createOptimizer({ kind: 'sgd', momentum: c.momentum, weightDecay: c.weightDecay });
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

/** What a method adds to the shared training: its passes and per-epoch/per-step extras. */
export interface TrainingPlan {
  /** The passes of one epoch, in order (e.g. SCRUB: forget max-pass, then retain min-pass). */
  passes: (epoch: number) => TrainPass[];
  /** Name of the pass whose mean loss is the epoch's `loss` in the history (default 'retain'). */
  mainPass?: string;
  /** Runs before each epoch (e.g. a pruning round); the numbers go into the history's extra. */
  beforeEpoch?: (epoch: number) => Record<string, number> | void | Promise<Record<string, number> | void>;
  /** Runs after every optimiser step (e.g. re-apply pruning masks). */
  afterStep?: () => void;
  /** Numbers to add to an epoch's history row. */
  epochExtra?: (epoch: number) => Record<string, number> | Promise<Record<string, number>>;
  /** Frees what the method allocated besides the model (teachers, masks), also on error. */
  cleanup?: () => void;
}

/** A retain-set plan run as the method sees it: its config, the model being trained, the timer and hook. */
export interface PlanRun<C> extends MethodRun<C> {
  model: Classifier;
}

/** The passes of a method that trains on the retain set with the (hookable) cross-entropy alone. */
export function plainRetainPasses<C extends TrainConfig>(run: PlanRun<C>): (epoch: number) => TrainPass[] {
  return () => [retainPass(run.inputs.retain, run.config.batchSize, run.hook)];
}

/** The loop passes of one epoch: each pass's batches drawn from its own stream (one per pass name, kept across epochs). */
function loopPasses(model: Classifier, passes: TrainPass[], epoch: number, streamOf: (pass: string) => Rng): LoopPass[] {
  return passes.map((pass) => ({
    name: pass.name,
    steps: epochBatches(size(pass.data), pass.batchSize, streamOf(pass.name)).map((positions, step) => ({
      weight: positions.length,
      build: () => {
        const { x, y } = batchTensors(pass.data, positions);
        const ctx: StepContext = { model, x, y, positions, epoch, step };
        const prepared = pass.prepare?.(ctx);
        return () => pass.loss(ctx, prepared);
      },
    })),
  }));
}

/**
 * The train function of a method that trains a model on the retain set (every Blend/A-AMU-paper
 * method): the model ('setup' phase; default a copy of the original), the method's plan, then the one
 * loop ('train' phase) with the config's optimiser and per-epoch schedule. `name` seeds the batch order
 * (wrappers keep their base method's order). On error the model and the plan's tensors are freed.
 */
export function retainTraining<C extends TrainConfig>(
  name: string,
  plan: (run: PlanRun<C>) => TrainingPlan | Promise<TrainingPlan>,
  initialModel?: (run: MethodRun<C>) => Classifier,
): (run: MethodRun<C>) => Promise<MethodOutput> {
  return async (run) => {
    const { config, timer } = run;
    const model = timer.time('setup', () => (initialModel ? initialModel(run) : cloneModel(run.inputs.original)));
    let p: TrainingPlan;
    try {
      p = await plan({ ...run, model });
    } catch (e) {
      model.dispose();
      throw e;
    }
    try {
      const schedule = new LrSchedule(config.lr, config.epochs, { kind: config.schedule, warmup: config.warmupEpochs });
      const perEpoch = Array.from({ length: config.epochs }, (_, e) => p.passes(e));
      const rng = new Rng(run.inputs.seed).fork(name);
      const streams = new Map<string, Rng>();
      const streamOf = (pass: string) => streams.get(pass) ?? streams.set(pass, rng.fork(pass)).get(pass)!;
      const history: UnlearnEpoch[] = [];
      let before: Record<string, number> = {};
      // The whole loop is the 'train' phase: a probe's time is taken out of it afterwards.
      const base = timer.total();
      let loopStart = performance.now();
      const probe = probeHooks(run.inputs.probe, model, (spent) => base + (performance.now() - loopStart) / 1000 - spent);
      await timer.timeAsync('train', async () => {
        loopStart = performance.now();
        await probe.start();
        await trainLoop({
          task: run.hook.name === 'plain' ? name : `${name} (${run.hook.name})`,
          params: model.parameters(),
          epochs: config.epochs,
          optimizer: () => makeOptimizer(config),
          lr: (e) => schedule.lr(e),
          beforeEpoch: async (e) => {
            before = (await p.beforeEpoch?.(e)) ?? {};
          },
          passes: (e) => loopPasses(model, perEpoch[e], e, streamOf),
          mainPass: p.mainPass ?? 'retain',
          readLoss: 'epoch',
          afterStep: async () => {
            p.afterStep?.();
            await probe.afterStep();
          },
          afterEpoch: async (r) => {
            const extra: Record<string, number> = { ...before, lr: r.lr };
            for (const [pass, loss] of Object.entries(r.passLosses)) extra[`${pass}Loss`] = loss;
            Object.assign(extra, (await p.epochExtra?.(r.epoch)) ?? {});
            schedule.observe(r.loss);
            history.push({ epoch: r.epoch + 1, loss: r.loss, seconds: r.seconds, extra });
          },
          totalSteps: perEpoch.reduce((s, passes) => s + passes.reduce((t, q) => t + Math.ceil(size(q.data) / q.batchSize), 0), 0),
          onProgress: run.inputs.onProgress,
        });
        await probe.finish();
      });
      timer.add('train', -probe.spentSeconds());
      return { model, history, probed: probe.used() };
    } catch (e) {
      model.dispose();
      throw e;
    } finally {
      p.cleanup?.();
    }
  };
}

/** The sets a retain-set method reads (A-AMU adds the test pool). */
export const RETAIN_USE = { retain: true, testPool: false, reference: false } as const;

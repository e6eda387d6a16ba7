import * as tf from '@tensorflow/tfjs';
import { yieldIfDue, yieldToEventLoop } from '../engine/event-loop';
import { readScalarAndDispose } from '../engine/read';
import { nonFiniteParameter } from './finite';
import type { Optimizer } from './optimizers';
import { ProgressTracker, type ProgressSink } from './progress';
import { descend } from './step';

/**
 * One optimisation step. `build` runs inside the step's tidy before the gradient tape (batch tensors,
 * detached targets) and returns the loss to differentiate. `weight` is the step's share of its pass's
 * mean loss (the batch size; 1 for an unweighted mean of step losses).
 */
export interface LoopStep {
  weight: number;
  build: () => () => tf.Scalar;
}

/** A named run of steps within an epoch (e.g. SCRUB's forget max-pass, then its retain min-pass). */
export interface LoopPass {
  name: string;
  steps: LoopStep[];
  /**
   * The variables this pass's steps update (default: the loop's params), e.g. one part of a model while
   * the others stay frozen (the 2024 paper's modular unlearning). Must be a subset of the loop's params.
   */
  params?: tf.Variable[];
}

/** What an epoch ended with; loss is the main pass's mean loss (NaN when it had no steps). */
export interface LoopEpoch {
  /** 0-based. */
  epoch: number;
  lr: number;
  loss: number;
  /** Mean loss of every pass that ran, by pass name, in run order. */
  passLosses: Record<string, number>;
  /** Optimiser steps in this epoch. */
  steps: number;
  seconds: number;
  /** True when the stop rule fired in this epoch (the loop ends after it). */
  stopped: boolean;
}

export interface LoopOptions {
  /** Names the loop in progress events and errors (e.g. 'fit', 'cf', 'suli'). */
  task: string;
  params: tf.Variable[];
  epochs: number;
  /** Builds the optimiser: once, or at the start of every epoch with freshOptimizerEachEpoch (SULI's code). */
  optimizer: () => Optimizer;
  freshOptimizerEachEpoch?: boolean;
  lr: (epoch: number) => number;
  /** The passes of an epoch, built at its start, after beforeEpoch (asynchronously when building reads from the device). */
  passes: (epoch: number) => LoopPass[] | Promise<LoopPass[]>;
  /** Name of the pass whose mean loss is the epoch's loss (default: the first pass). */
  mainPass?: string;
  /**
   * 'epoch': losses are summed on the device (weighted) and read once per pass, so steps never wait on
   * a read; the NaN/Inf guard runs at the pass's end. 'step': every step's loss is read at once (needed
   * when a stop rule runs after each step) and guarded; a pass's loss is the weighted mean of them.
   */
  readLoss: 'epoch' | 'step';
  /** Optional stop rule, checked after every step or at the end of every epoch; true ends the loop. */
  stop?: { every: 'step' | 'epoch'; check: (epoch: number) => boolean | Promise<boolean> };
  /** Runs at each epoch's start (e.g. a pruning round, which reads the weights: hence it may be async). */
  beforeEpoch?: (epoch: number) => void | Promise<void>;
  /** Runs after every optimiser step (e.g. re-apply pruning masks). */
  afterStep?: () => void | Promise<void>;
  /** Runs at each epoch's end (history, schedules, validation); info is shown with the progress event. */
  afterEpoch?: (e: LoopEpoch) => void | { info?: Record<string, number> } | Promise<void | { info?: Record<string, number> }>;
  /** Wraps every step (e.g. to time it as a phase). */
  timeStep?: <T>(fn: () => T) => T;
  /** Wraps the building of an epoch's passes (e.g. to time re-labelling as a phase, with PhaseTimer.timeAsync). */
  timeBuild?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Progress total in steps; progress counts epochs when it is omitted. */
  totalSteps?: number;
  onProgress?: ProgressSink;
  /** Completes the error message on a NaN/Inf loss (default: lower the learning rate or check the data). */
  nanHint?: string;
}

const direct = <T>(fn: () => T): T => fn();
const directAsync = <T>(fn: () => Promise<T>): Promise<T> => fn();

function checkFinite(o: LoopOptions, loss: number, where: string, lr: number): void {
  if (!Number.isFinite(loss)) {
    throw new Error(`${o.task}: the ${where} (lr ${lr}). ${o.nanHint ?? 'Lower the learning rate or check the data for NaN.'}`);
  }
}

/**
 * The one optimisation loop (fit and every unlearning method): for each epoch, each pass, each step,
 * one optimiser step at the epoch's learning rate. Throws on a NaN or infinite loss (at every read) or
 * weights (at every epoch's end), yields to the
 * event loop between epochs and every YIELD_EVERY_MS within one (engine/event-loop), and returns one record per epoch that ran.
 */
export async function trainLoop(o: LoopOptions): Promise<LoopEpoch[]> {
  const timeStep = o.timeStep ?? direct;
  const timeBuild = o.timeBuild ?? directAsync;
  const tracker = new ProgressTracker(o.task, Math.max(1, o.totalSteps ?? o.epochs), o.onProgress);
  const progressUnit = (steps: number, epoch: number) => (o.totalSteps != null ? steps : epoch);
  const records: LoopEpoch[] = [];
  let optimizer: Optimizer | null = null;
  let done = 0;
  let stopped = false;
  try {
    for (let epoch = 0; epoch < o.epochs && !stopped; epoch++) {
      const t0 = performance.now();
      await o.beforeEpoch?.(epoch);
      if (optimizer == null || o.freshOptimizerEachEpoch) {
        optimizer?.dispose();
        optimizer = o.optimizer();
      }
      const opt = optimizer;
      const lr = o.lr(epoch);
      const passes = await timeBuild(async () => o.passes(epoch));
      const passLosses: Record<string, number> = {};
      let epochSteps = 0;
      for (const pass of passes) {
        let weight = 0;
        let hostSum = 0;
        // 'epoch' reads: the weighted sum stays on the device until the pass ends.
        let deviceSum: tf.Scalar | null = o.readLoss === 'epoch' ? tf.scalar(0) : null;
        try {
          for (const step of pass.steps) {
            const summed = deviceSum;
            const kept = timeStep(() =>
              tf.tidy(() => {
                const v = descend(pass.params ?? o.params, opt, step.build(), lr);
                return summed == null ? v : (tf.add(summed, tf.mul(v, step.weight)) as tf.Scalar);
              }),
            );
            weight += step.weight;
            epochSteps++;
            done++;
            if (deviceSum == null) {
              const value = await readScalarAndDispose(kept);
              checkFinite(o, value, `${pass.name} loss became ${value} at step ${epochSteps} of epoch ${epoch + 1}`, lr);
              hostSum += value * step.weight;
            } else {
              deviceSum.dispose();
              deviceSum = kept;
            }
            await o.afterStep?.();
            await yieldIfDue();
            // Mid-epoch updates only when progress counts steps; counted in epochs, the epoch-end update says it all.
            if (o.totalSteps != null && tracker.due(done)) {
              const running = deviceSum == null ? hostSum / weight : (await deviceSum.data())[0] / weight;
              tracker.update(done, { epoch: epoch + 1, epochs: o.epochs, loss: running });
            }
            if (o.stop?.every === 'step' && (await o.stop.check(epoch))) {
              stopped = true;
              break;
            }
          }
          const loss = weight === 0 ? NaN : (deviceSum == null ? hostSum : (await deviceSum.data())[0]) / weight;
          if (weight > 0) checkFinite(o, loss, `${pass.name} loss became ${loss} in epoch ${epoch + 1}`, lr);
          passLosses[pass.name] = loss;
        } finally {
          deviceSum?.dispose();
        }
        if (stopped) break;
      }
      // A NaN can sit in a weight while the loss stays finite (e.g. a NaN-blind kernel, or a layer the loss
      // does not reach): the weights themselves are checked once per epoch.
      const bad = await nonFiniteParameter(o.params);
      if (bad != null) checkFinite(o, NaN, `weights became NaN or infinite in epoch ${epoch + 1} (parameter ${bad})`, lr);
      if (!stopped && o.stop?.every === 'epoch') stopped = await o.stop.check(epoch);
      const main = o.mainPass ?? passes[0]?.name;
      const record: LoopEpoch = {
        epoch,
        lr,
        loss: main != null && main in passLosses ? passLosses[main] : NaN,
        passLosses,
        steps: epochSteps,
        seconds: (performance.now() - t0) / 1000,
        stopped,
      };
      const shown = await o.afterEpoch?.(record);
      records.push(record);
      tracker.update(progressUnit(done, epoch + 1), { epoch: epoch + 1, epochs: o.epochs, loss: record.loss, info: shown?.info }, true);
      // Let other work (progress output, notebooks, timers) run between epochs.
      await yieldToEventLoop();
    }
  } finally {
    optimizer?.dispose();
  }
  return records;
}

import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset';
import type { PhaseTimer } from '../../engine/timer';
import type { Classifier } from '../../models/classifier';
import { createOptimizer, type OptimizerSpec } from '../../train/optimizers';
import { ProgressTracker, type ProgressSink } from '../../train/progress';
import type { UnlearnEpoch } from '../contract';
import type { StopRule } from './stopping';

/** When the stopping rule is checked: after each epoch (NegGrad/RL in L2UL) or each step (ADV+IMP). */
export type StopCheckEvery = 'epoch' | 'step';
export const STOP_CHECK_EVERY: readonly StopCheckEvery[] = ['epoch', 'step'];

/** One optimisation step: returns the loss to minimise, built inside the gradient tape. */
export type StepLoss = () => tf.Scalar;

export interface ForgetLoopOptions {
  method: string;
  model: Classifier;
  forget: Dataset;
  stopRule: StopRule;
  stopCheck: StopCheckEvery;
  /** Maximum number of epochs (the loop ends earlier when the stopping rule fires). */
  epochs: number;
  lr: number;
  optimizer: OptimizerSpec;
  /** The steps of one epoch (e.g. one per shuffled forget minibatch). */
  epochSteps: (epoch: number) => StepLoss[];
  timer: PhaseTimer;
  onProgress?: ProgressSink;
}

export interface ForgetLoopResult {
  history: UnlearnEpoch[];
  steps: number;
  stoppedEarly: boolean;
}

/**
 * The fine-tuning loop shared by the forget-set-only methods (SU, NegGrad, Random Label, Initial
 * Label, Boundary Shrink, ADV+IMP): minimise each step's loss with one optimiser for the whole run,
 * and stop when the forget accuracy reaches the mode's target. Training time is timed as 'train',
 * the stop checks as 'stop-check'.
 */
export async function runForgetLoop(o: ForgetLoopOptions): Promise<ForgetLoopResult> {
  const params = o.model.parameters();
  const optimizer = createOptimizer(o.optimizer);
  const tracker = new ProgressTracker(o.method, Math.max(1, o.epochs), o.onProgress);
  const history: UnlearnEpoch[] = [];
  let steps = 0;
  let stoppedEarly = false;
  try {
    for (let epoch = 0; epoch < o.epochs && !stoppedEarly; epoch++) {
      const t0 = performance.now();
      let trainSeconds = 0;
      let lossSum = 0;
      let epochSteps = 0;
      let last = { forgetAccuracy: NaN, target: NaN, reached: false };
      // Per-epoch relabelling (e.g. Boundary Shrink's attack) is timed on its own.
      const stepList = o.timer.time('relabel', () => o.epochSteps(epoch));
      for (const stepLoss of stepList) {
        const loss = o.timer.time('train', () =>
          tf.tidy(() => {
            const { value, grads } = tf.variableGrads(stepLoss, params);
            optimizer.step(
              params,
              params.map((p) => grads[p.name]),
              o.lr,
            );
            return value.dataSync()[0];
          }),
        );
        if (!Number.isFinite(loss)) {
          throw new Error(`${o.method}: the loss became ${loss} at step ${steps + 1} (lr ${o.lr}). Lower config.lr.`);
        }
        lossSum += loss;
        epochSteps++;
        steps++;
        if (o.stopCheck === 'step') {
          last = o.timer.time('stop-check', () => o.stopRule.check(o.model, o.forget));
          if (last.reached) {
            stoppedEarly = true;
            break;
          }
        }
      }
      if (o.stopCheck === 'epoch') {
        last = o.timer.time('stop-check', () => o.stopRule.check(o.model, o.forget));
        stoppedEarly = last.reached;
      }
      trainSeconds = (performance.now() - t0) / 1000;
      const loss = epochSteps > 0 ? lossSum / epochSteps : NaN;
      history.push({
        epoch: epoch + 1,
        loss,
        seconds: trainSeconds,
        extra: { forgetAccuracy: last.forgetAccuracy, target: last.target, steps: epochSteps },
      });
      tracker.update(epoch + 1, { epoch: epoch + 1, epochs: o.epochs, loss, info: { 'forget acc': last.forgetAccuracy } }, true);
      await Promise.resolve();
    }
  } finally {
    optimizer.dispose();
  }
  return { history, steps, stoppedEarly };
}

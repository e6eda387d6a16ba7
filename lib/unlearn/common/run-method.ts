import { Rng } from '../../engine/rng';
import type { PhaseTimer } from '../../engine/timer';
import type { Classifier } from '../../models/classifier';
import type { UnlearnInputs, UnlearnResult } from '../contract';
import { makeResult } from './result';
import type { RetainLossHook } from './retain-loss';
import { makeOptimizer, makeSchedule, runTraining, type TrainConfig, type TrainingPlan } from './training';

export interface TrainingMethodRun {
  method: string;
  inputs: UnlearnInputs<unknown>;
  config: TrainConfig;
  /** The model to train (a clone of the original, or a fresh one for retraining); owned by the run. */
  model: Classifier;
  timer: PhaseTimer;
  hook: RetainLossHook;
  plan: Pick<TrainingPlan, 'passes' | 'beforeEpoch' | 'afterStep' | 'epochExtra'> & { mainPass?: string };
  /** Frees what the method allocated besides the model (teachers, masks), also on error. */
  cleanup?: () => void;
}

/**
 * Trains `model` with the method's passes and optimiser settings, times it as the 'train' phase and
 * packs the result. On error the model is disposed; the caller's original model is never touched.
 */
export async function runTrainingMethod(r: TrainingMethodRun): Promise<UnlearnResult> {
  const optimizer = makeOptimizer(r.config);
  try {
    const history = await r.timer.timeAsync('train', () =>
      runTraining({
        model: r.model,
        epochs: r.config.epochs,
        optimizer,
        schedule: makeSchedule(r.config),
        mainPass: r.plan.mainPass ?? 'retain',
        passes: r.plan.passes,
        beforeEpoch: r.plan.beforeEpoch,
        afterStep: r.plan.afterStep,
        epochExtra: r.plan.epochExtra,
        rng: new Rng(r.inputs.seed).fork(r.method),
        task: r.hook.name === 'plain' ? r.method : `${r.method} (${r.hook.name})`,
        onProgress: r.inputs.onProgress,
      }),
    );
    return makeResult(r.model, r.timer, history, r.config);
  } catch (e) {
    r.model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
    r.cleanup?.();
  }
}

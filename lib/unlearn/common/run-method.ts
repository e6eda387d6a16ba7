import { Rng } from '../../engine/rng';
import { PhaseTimer } from '../../engine/timer';
import type { Classifier } from '../../models/classifier';
import { cloneModel } from '../../models/registry';
import type { UnlearnInputs, UnlearnResult } from '../contract';
import { resolveConfig, type Checks } from './config';
import { checkInputs } from './inputs';
import { makeResult } from './result';
import { PLAIN_LOSS, retainPass, type HookableUnlearner, type RetainLossHook } from './retain-loss';
import { makeOptimizer, makeSchedule, runTraining, type TrainConfig, type TrainingPlan, type TrainPass } from './training';

/** What a method adds to the shared training loop: its passes and per-epoch/per-step extras. */
export type MethodPlan = Pick<TrainingPlan, 'passes' | 'beforeEpoch' | 'afterStep' | 'epochExtra'> & {
  mainPass?: string;
  /** Frees what the method allocated besides the model (teachers, masks), also on error. */
  cleanup?: () => void;
};

/** One run of a training method, as its plan builder sees it. */
export interface MethodRun<C> {
  inputs: UnlearnInputs<C>;
  config: C;
  /** The model being trained (owned by the run). */
  model: Classifier;
  timer: PhaseTimer;
  hook: RetainLossHook;
}

/** The passes of a method that trains on the retain set with the (hookable) cross-entropy alone. */
export function plainRetainPasses<C extends TrainConfig>(run: MethodRun<C>): (epoch: number) => TrainPass[] {
  return () => [retainPass(run.inputs.retain, run.config.batchSize, run.hook)];
}

/**
 * A method that trains a model with the shared loop (every Blend/A-AMU-paper method): its settings,
 * where its model starts, and its epoch plan.
 */
export interface TrainingMethodSpec<C extends TrainConfig> {
  name: string;
  defaults: C;
  checks: Checks<C>;
  /** Checks across fields, after the per-field ones (e.g. noL1Epochs <= epochs). */
  validate?: (config: C) => void;
  /** The model to train, built in the timed 'setup' phase. Default: a copy of the original. */
  initialModel?: (inputs: UnlearnInputs<C>, config: C) => Classifier;
  /** The method's passes and extras; a throw here disposes the model. */
  plan: (run: MethodRun<C>) => MethodPlan;
}

/**
 * Runs a training method: checks the inputs (retain set required), resolves the config, builds the
 * model ('setup' phase) and the plan, trains ('train' phase) and packs the result. On error the model
 * is disposed; the caller's original model is never touched.
 */
export async function runTrainingMethod<C extends TrainConfig>(spec: TrainingMethodSpec<C>, inputs: UnlearnInputs<C>, hook: RetainLossHook): Promise<UnlearnResult> {
  checkInputs(spec.name, inputs, { retain: true });
  const config = resolveConfig(spec.name, spec.defaults, inputs.config, spec.checks);
  spec.validate?.(config);
  const timer = new PhaseTimer();
  const model = timer.time('setup', () => (spec.initialModel ? spec.initialModel(inputs, config) : cloneModel(inputs.original)));
  let plan: MethodPlan;
  try {
    plan = spec.plan({ inputs, config, model, timer, hook });
  } catch (e) {
    model.dispose();
    throw e;
  }
  const optimizer = makeOptimizer(config);
  try {
    const history = await timer.timeAsync('train', () =>
      runTraining({
        model,
        epochs: config.epochs,
        optimizer,
        schedule: makeSchedule(config),
        mainPass: plan.mainPass ?? 'retain',
        passes: plan.passes,
        beforeEpoch: plan.beforeEpoch,
        afterStep: plan.afterStep,
        epochExtra: plan.epochExtra,
        rng: new Rng(inputs.seed).fork(spec.name),
        task: hook.name === 'plain' ? spec.name : `${spec.name} (${hook.name})`,
        onProgress: inputs.onProgress,
      }),
    );
    return makeResult(model, timer, history, config);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
    plan.cleanup?.();
  }
}

/**
 * A training method whose retain-step loss a wrapper (A-AMU) can change: `run` uses the plain loss,
 * `runWithHook` the wrapper's. The plan must build its retain pass with retainPass(..., run.hook).
 */
export function hookableMethod<C extends TrainConfig>(spec: TrainingMethodSpec<C> & { description: string }): HookableUnlearner<C> {
  return {
    name: spec.name,
    description: spec.description,
    usesRetain: true,
    defaults: spec.defaults,
    checks: spec.checks,
    run: (inputs) => runTrainingMethod(spec, inputs, PLAIN_LOSS),
    runWithHook: (inputs, hook) => runTrainingMethod(spec, inputs, hook),
  };
}

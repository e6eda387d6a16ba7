import * as tf from '@tensorflow/tfjs';
import { PhaseTimer } from '../../engine/timer';
import type { Classifier } from '../../models/classifier';
import type { InputUse, RetainLossHook, UnlearnEpoch, UnlearnInputs, UnlearnMode, UnlearnResult, Unlearner } from '../contract';
import { resolveConfig, type Check, type ConfigSpec } from './config';
import { nonFiniteParameter } from '../../train/finite';
import { checkInputs } from './inputs';
import { makeResult } from './result';

/** One checked run, as a method's train function sees it. */
export interface MethodRun<C> {
  inputs: UnlearnInputs;
  config: C;
  /** Time the method's phases here; the result reports them and their total. */
  timer: PhaseTimer;
  /** The retain-step loss change of a wrapper (PLAIN_LOSS unless A-AMU wraps the method). */
  hook: RetainLossHook;
}

/** What a method's train function returns: its model (the caller's from then on) and its history. */
export interface MethodOutput {
  model: Classifier;
  history: UnlearnEpoch[];
  /** True when the method called inputs.probe (the retain-set and forget-set-only frameworks do). */
  probed?: boolean;
}

/** A method's definition: its settings, the sets it reads, and its work on checked inputs and config. */
export interface UnlearnerSpec<C extends object> extends ConfigSpec<C> {
  name: string;
  description: string;
  uses: InputUse;
  modes: readonly UnlearnMode[];
  smokeConfig: Partial<C>;
  /** True when train builds its retain steps with run.hook (A-AMU may wrap it). */
  hookable?: boolean;
  /** The method itself. It must free everything it made, the model too, when it throws. */
  train(run: MethodRun<C>): Promise<MethodOutput>;
}

/** A registered method with its typed definition (wrappers such as A-AMU build on `spec`). */
export interface DefinedUnlearner<C extends object> extends Unlearner {
  readonly spec: UnlearnerSpec<C>;
}

/** The unchanged retain loss: main = identity, nothing extra. */
export const PLAIN_LOSS: RetainLossHook = { name: 'plain', main: (ce: tf.Scalar) => ce };

/**
 * Runs a method: checks the inputs against what it uses, resolves and checks its config, runs it with
 * a fresh PhaseTimer and packs the result (timing = its phases and their sum).
 */
export async function runMethod<C extends object>(spec: UnlearnerSpec<C>, inputs: UnlearnInputs, hook: RetainLossHook): Promise<UnlearnResult> {
  await checkInputs(spec.name, inputs, spec.uses);
  const config = resolveConfig(spec.name, spec, inputs?.config);
  const timer = new PhaseTimer();
  const out = await spec.train({ inputs, config, timer, hook });
  if (inputs.probe != null && !out.probed) {
    out.model.dispose();
    throw new Error(`${spec.name}: inputs.probe is not supported by this method (only methods built on the retain-set or forget-set-only training frameworks measure during training); run it without a probe.`);
  }
  // Defensive: trainLoop checks the weights every epoch; this also covers a method that returns a model
  // whose last change came after its last checked epoch, and any future method that trains without the loop.
  const bad = await nonFiniteParameter(out.model.parameters());
  if (bad != null) {
    out.model.dispose();
    throw new Error(`${spec.name}: the unlearned model has NaN or infinite weights (parameter ${bad}). Lower config.lr or check the inputs for NaN.`);
  }
  return makeResult(out.model, timer, out.history, config);
}

/** The one way to make an Unlearner: every field of the contract comes from the spec. */
export function defineUnlearner<C extends object>(spec: UnlearnerSpec<C>): DefinedUnlearner<C> {
  // Config types are interfaces (no index signature); callers see them as plain records.
  const record = (c: object) => ({ ...c }) as Record<string, unknown>;
  return {
    name: spec.name,
    description: spec.description,
    uses: spec.uses,
    modes: spec.modes,
    defaults: record(spec.defaults),
    checks: spec.checks as Readonly<Record<string, Check>>,
    smokeConfig: record(spec.smokeConfig),
    hookable: spec.hookable ?? false,
    spec,
    resolveConfig: (given) => record(resolveConfig(spec.name, spec, given)),
    run: (inputs) => runMethod(spec, inputs, PLAIN_LOSS),
  };
}

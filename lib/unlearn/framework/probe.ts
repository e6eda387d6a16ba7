import type { Classifier } from '../../models/classifier';
import type { UnlearnProbe } from '../contract';

/** What a training framework calls: before the loop, after every optimiser step, and after the loop. */
export interface ProbeHooks {
  start(): Promise<void>;
  afterStep(): Promise<void>;
  finish(): Promise<void>;
  /** Wall seconds the probe's measurements took (for a framework whose timed phase wraps the loop). */
  spentSeconds(): number;
  /** True once the probe has measured (runMethod refuses a probe that a method never called). */
  used(): boolean;
}

/**
 * Drives inputs.probe for one run. `methodSeconds` is the method's time so far as its timer counts it,
 * with the probe's own time left out (the framework knows how its timer wraps the loop).
 */
export function probeHooks(probe: UnlearnProbe | undefined, model: Classifier, methodSeconds: (probeSpent: number) => number): ProbeHooks {
  let steps = 0;
  let spent = 0;
  let measuredAt = -1;
  const measure = async () => {
    if (probe == null) return;
    const t0 = performance.now();
    await probe.measure(model, steps, methodSeconds(spent));
    spent += (performance.now() - t0) / 1000;
    measuredAt = steps;
  };
  if (probe != null && !(Number.isInteger(probe.everySteps) && probe.everySteps >= 1)) {
    throw new Error(`inputs.probe.everySteps must be an integer >= 1, got ${probe.everySteps}.`);
  }
  return {
    start: measure,
    afterStep: async () => {
      steps++;
      if (probe != null && steps % probe.everySteps === 0) await measure();
    },
    finish: async () => {
      if (probe != null && measuredAt !== steps) await measure();
    },
    spentSeconds: () => spent,
    used: () => measuredAt >= 0,
  };
}

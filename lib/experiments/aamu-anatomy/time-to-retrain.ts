import { blendMiaScoreOfPredictions } from '../../metrics/mia-blend-logit-auc';
import { accuracyOf, predict } from '../../train/evaluate';
import type { ProgressSink } from '../../train/progress';
import type { Classifier } from '../../models/classifier';
import { meanCi, type MeanCi } from '../../results';
import { getUnlearner, type HealthStatus } from '../../unlearn';
import { measureUnlearning } from '../shared/measure';
import { methodConfig } from '../shared/presets';
import type { Scenario } from '../shared/scenario';

/**
 * Issue 15, deliverable 3: how long each method needs to reach Retrain's end state. Each traced method
 * runs with a probe that measures the paper's MIA score (forget vs the evaluation split) and forget
 * accuracy every few optimiser steps; its own seconds exclude the probe (UnlearnInputs.probe).
 */
export interface TraceSettings {
  /** Seeds 0..n-1 (one scenario each: original, Retrain, the traced methods). */
  seeds: number;
  /** Traced methods and their budgets (overrides of the method preset, e.g. more CF epochs). */
  methods: Array<{ method: string; config: Record<string, unknown>; everySteps: number }>;
  /** "Reached": MIA within this many points of Retrain's, at two probes in a row (one probe is noisy). */
  tolerance: number;
}

export interface TracePoint {
  steps: number;
  seconds: number;
  mia: number;
  forgetAcc: number;
  /**
   * Accuracy on the evaluation split at the probe (traces written before it was recorded have none): a
   * model can pass Retrain's MIA while it is still disrupted (both losses high), which this shows.
   */
  testAcc?: number;
}

export interface MethodTrace {
  method: string;
  config: Record<string, unknown>;
  points: TracePoint[];
  seconds: number;
  status: HealthStatus;
}

export interface SeedTrace {
  seed: number;
  original: { mia: number; forgetAcc: number; testAcc: number };
  retrain: { mia: number; forgetAcc: number; testAcc: number; retainAcc: number; seconds: number };
  traces: MethodTrace[];
}

/** Where a trace first reaches a target: seconds and steps (and the test accuracy there, when probed), or null when it never does within its budget. */
export interface Reached {
  seconds: number;
  steps: number;
  testAcc?: number;
}

/** First point with |MIA - target| <= tol whose next point (if any) is within too. */
export function timeToMia(points: TracePoint[], target: number, tol: number): Reached | null {
  const ok = (p: TracePoint) => Math.abs(p.mia - target) <= tol;
  for (let i = 0; i < points.length; i++) {
    if (ok(points[i]) && (i + 1 === points.length || ok(points[i + 1]))) return { seconds: points[i].seconds, steps: points[i].steps, testAcc: points[i].testAcc };
  }
  return null;
}

/** First point whose forget accuracy is at or below `target`. */
export function timeToForgetAcc(points: TracePoint[], target: number): Reached | null {
  const p = points.find((x) => x.forgetAcc <= target);
  return p ? { seconds: p.seconds, steps: p.steps } : null;
}

/** Retrain on the scenario, then every traced method with its probe. */
export async function traceToRetrain(s: Scenario, methodPreset: string, t: TraceSettings, onProgress?: ProgressSink, log?: (line: string) => void): Promise<SeedTrace> {
  const orig = await measureUnlearning(s.original, s, s.seed, { status: 'ok', reason: '' });
  const rt = await getUnlearner('retrain').run({ original: s.original, retain: s.retain, forget: s.forget, testPool: s.testPool, config: methodConfig(methodPreset, 'retrain'), seed: s.seed, onProgress });
  let retrain: SeedTrace['retrain'];
  try {
    const m = await measureUnlearning(rt.model, s, s.seed, rt.health);
    retrain = { mia: m.mia, forgetAcc: m.forgetAcc, testAcc: m.testAcc, retainAcc: m.retainAcc, seconds: rt.timing.seconds };
  } finally {
    rt.model.dispose();
  }
  log?.(`seed ${s.seed}: original MIA ${orig.mia.toFixed(1)}, Retrain MIA ${retrain.mia.toFixed(1)} (${retrain.seconds.toFixed(0)} s)`);
  const traces: MethodTrace[] = [];
  for (const { method, config: budget, everySteps } of t.methods) {
    const points: TracePoint[] = [];
    const measure = async (model: Classifier, steps: number, seconds: number) => {
      const pf = await predict(model, s.forget);
      const pt = await predict(model, s.testEval);
      points.push({ steps, seconds, mia: blendMiaScoreOfPredictions(pf, pt, { seed: s.seed }).score, forgetAcc: accuracyOf(pf), testAcc: accuracyOf(pt) });
    };
    const config = { ...methodConfig(methodPreset, method), ...budget };
    const res = await getUnlearner(method).run({ original: s.original, retain: s.retain, forget: s.forget, testPool: s.testPool, config, seed: s.seed, onProgress, probe: { everySteps, measure } });
    res.model.dispose();
    traces.push({ method, config: res.config, points, seconds: res.timing.seconds, status: res.health.status });
    const reached = timeToMia(points, retrain.mia, t.tolerance);
    log?.(`seed ${s.seed} ${method}: ${points.length} probes, final MIA ${points.at(-1)!.mia.toFixed(1)}, ` + (reached ? `Retrain's MIA +- ${t.tolerance} at ${reached.seconds.toFixed(1)} s` : `Retrain's MIA not reached in ${res.timing.seconds.toFixed(1)} s`));
  }
  return { seed: s.seed, original: { mia: orig.mia, forgetAcc: orig.forgetAcc, testAcc: orig.testAcc }, retrain, traces };
}

export interface TimeToRetrainRow {
  method: string;
  /** Seeds whose trace reached Retrain's MIA +- tolerance, out of all seeds. */
  reached: number;
  seeds: number;
  /** Seconds to reach it, over the seeds that did (null when none did). */
  seconds: MeanCi | null;
  steps: MeanCi | null;
  /** Test accuracy at the point Retrain's MIA was reached (null when never reached, or not probed). */
  testAccAtReach: MeanCi | null;
  /** The budget's end: MIA and forget accuracy at the last probe, and the whole run's seconds. */
  finalMia: MeanCi;
  finalForgetAcc: MeanCi;
  budgetSeconds: MeanCi;
}

export interface TimeToRetrainSummary {
  tolerance: number;
  original: { mia: MeanCi; forgetAcc: MeanCi };
  retrain: { mia: MeanCi; forgetAcc: MeanCi; testAcc: MeanCi; seconds: MeanCi };
  rows: TimeToRetrainRow[];
  /** CF time / A-CF time to Retrain's MIA, per seed where both reached it. */
  ratioToRetrainMia: MeanCi | null;
  /** CF's final forget accuracy (end of its budget) and A-CF's time to reach it, against CF's time to it. */
  ratioToCfForgetAcc: MeanCi | null;
}

const ciOf = (v: number[]): MeanCi | null => (v.length > 0 ? meanCi(v) : null);

/** Mean ± 95% CI over seeds of every time-to-target, and the CF / A-CF ratios (the paper's 7.5x claim). */
export function summariseTraces(seeds: SeedTrace[], tolerance: number): TimeToRetrainSummary {
  const methods = seeds[0]?.traces.map((x) => x.method) ?? [];
  const trace = (st: SeedTrace, m: string) => st.traces.find((x) => x.method === m);
  const rows = methods.map((method): TimeToRetrainRow => {
    const hits = seeds.map((st) => timeToMia(trace(st, method)!.points, st.retrain.mia, tolerance)).filter((r): r is Reached => r != null);
    const last = seeds.map((st) => trace(st, method)!.points.at(-1)!);
    return {
      method,
      reached: hits.length,
      seeds: seeds.length,
      seconds: ciOf(hits.map((h) => h.seconds)),
      steps: ciOf(hits.map((h) => h.steps)),
      testAccAtReach: ciOf(hits.flatMap((h) => (h.testAcc == null ? [] : [h.testAcc]))),
      finalMia: meanCi(last.map((p) => p.mia)),
      finalForgetAcc: meanCi(last.map((p) => p.forgetAcc)),
      budgetSeconds: meanCi(seeds.map((st) => trace(st, method)!.seconds)),
    };
  });
  const ratios: number[] = [];
  const forgetRatios: number[] = [];
  for (const st of seeds) {
    const cf = trace(st, 'cf');
    const a = trace(st, 'a-cf');
    if (cf == null || a == null) continue;
    const tc = timeToMia(cf.points, st.retrain.mia, tolerance);
    const ta = timeToMia(a.points, st.retrain.mia, tolerance);
    if (tc != null && ta != null && ta.seconds > 0) ratios.push(tc.seconds / ta.seconds);
    // Only where CF lowered forget accuracy at all: otherwise both "reach" it at step 0 and the ratio says nothing.
    const cfFinal = cf.points.at(-1)!.forgetAcc;
    const fc = timeToForgetAcc(cf.points, cfFinal);
    const fa = timeToForgetAcc(a.points, cfFinal);
    if (cfFinal < st.original.forgetAcc && fc != null && fa != null && fc.seconds > 0 && fa.seconds > 0) forgetRatios.push(fc.seconds / fa.seconds);
  }
  return {
    tolerance,
    original: { mia: meanCi(seeds.map((s) => s.original.mia)), forgetAcc: meanCi(seeds.map((s) => s.original.forgetAcc)) },
    retrain: {
      mia: meanCi(seeds.map((s) => s.retrain.mia)),
      forgetAcc: meanCi(seeds.map((s) => s.retrain.forgetAcc)),
      testAcc: meanCi(seeds.map((s) => s.retrain.testAcc)),
      seconds: meanCi(seeds.map((s) => s.retrain.seconds)),
    },
    rows,
    ratioToRetrainMia: ciOf(ratios),
    ratioToCfForgetAcc: ciOf(forgetRatios),
  };
}

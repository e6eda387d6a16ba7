/**
 * Summary scores across methods.
 *
 * RBE, "relative best error" (2024 DC-unlearning paper, sec. on metrics): per metric, the absolute
 * difference of each method's value from the best value found among the methods; min-max
 * normalised over the methods; weighted average over metrics (RA 1, FA 0.5, MIA 1, UT 1); then
 * averaged over scenarios (models/datasets) per method. Lower is better (0 = best on every metric).
 * The paper does not define "best" per metric; our defaults: RA highest, UT lowest, MIA closest
 * to 50 (its ideal), FA lowest. Pass your own `best` (e.g. the retrained model's FA) to change it.
 */
export type Best = 'max' | 'min' | { target: number };

export interface RbeMetricSpec {
  weight: number;
  best: Best;
}

export const RBE_2024: Record<'RA' | 'FA' | 'MIA' | 'UT', RbeMetricSpec> = {
  RA: { weight: 1, best: 'max' },
  FA: { weight: 0.5, best: 'min' },
  MIA: { weight: 1, best: { target: 50 } },
  UT: { weight: 1, best: 'min' },
};

/** RBE of each method in one scenario: values[method][metric]. */
export function rbe(values: Record<string, Record<string, number>>, spec: Record<string, RbeMetricSpec> = RBE_2024): Record<string, number> {
  const methods = Object.keys(values);
  if (methods.length === 0) throw new Error('rbe: no methods given; pass values[method][metric].');
  const metrics = Object.keys(spec);
  const weightSum = metrics.reduce((a, m) => a + spec[m].weight, 0);
  if (!(weightSum > 0)) throw new Error('rbe: the metric weights must sum to a positive number.');
  const out: Record<string, number> = Object.fromEntries(methods.map((m) => [m, 0]));
  for (const metric of metrics) {
    const v = methods.map((m) => {
      const x = values[m][metric];
      if (!Number.isFinite(x)) throw new Error(`rbe: values['${m}']['${metric}'] is ${x}; every method needs a finite value for every metric in the spec.`);
      return x;
    });
    const { best } = spec[metric];
    // Distance to the best value found (for a target: distance to the target, minus the smallest such distance).
    let d: number[];
    if (best === 'max') d = v.map((x) => Math.max(...v) - x);
    else if (best === 'min') d = v.map((x) => x - Math.min(...v));
    else {
      const dist = v.map((x) => Math.abs(x - best.target));
      d = dist.map((x) => x - Math.min(...dist));
    }
    const lo = Math.min(...d);
    const hi = Math.max(...d);
    d.forEach((x, i) => (out[methods[i]] += (spec[metric].weight * (hi > lo ? (x - lo) / (hi - lo) : 0)) / weightSum));
  }
  return out;
}

/** Mean RBE per method over scenarios (each scenario: values[method][metric]); methods missing from a scenario are skipped there. */
export function rbeOverScenarios(scenarios: Array<Record<string, Record<string, number>>>, spec: Record<string, RbeMetricSpec> = RBE_2024): Record<string, number> {
  const sums: Record<string, { s: number; n: number }> = {};
  for (const sc of scenarios) {
    for (const [m, r] of Object.entries(rbe(sc, spec))) {
      sums[m] ??= { s: 0, n: 0 };
      sums[m].s += r;
      sums[m].n += 1;
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([m, { s, n }]) => [m, s / n]));
}

/** RTE = retrain time / method time: how many times faster than retraining (> 1 = faster). */
export function rte(retrainSeconds: number, methodSeconds: number): number {
  if (!(retrainSeconds > 0) || !(methodSeconds > 0)) {
    throw new Error(`rte: both times must be positive seconds, got retrain ${retrainSeconds} and method ${methodSeconds}.`);
  }
  return retrainSeconds / methodSeconds;
}

/**
 * Indiscernibility = 1 - |MIA - 0.5| / 0.5 for an attack accuracy or AUC given as a fraction:
 * 1 = the attack is at chance (ideal), 0 = perfect attack (or perfectly inverted).
 */
export function indiscernibility(mia: number): number {
  if (!(mia >= 0 && mia <= 1)) {
    throw new Error(`indiscernibility: mia must be a fraction in [0, 1], got ${mia}${mia > 1 && mia <= 100 ? ' (divide a percent by 100)' : ''}.`);
  }
  return 1 - Math.abs(mia - 0.5) / 0.5;
}

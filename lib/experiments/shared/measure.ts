import { blendMiaScoreOfPredictions } from '../../metrics/mia-blend-logit-auc';
import type { Classifier } from '../../models/classifier';
import { accuracy, accuracyOf, predict } from '../../train/evaluate';
import { measuredHealth, type HealthStatus, type RunHealth } from '../../unlearn';
import type { Scenario } from './scenario';

/** The four numbers of the Blend/A-AMU paper's tables (accuracies as fractions, rendered in % by shared/percent; MIA score = AUC x 100). */
export interface UnlearnMeasures {
  retainAcc: number;
  forgetAcc: number;
  testAcc: number;
  /** The paper's "MIA score" (logit-confidence logistic attack, forget vs class-matched test; ideal 50). */
  mia: number;
  /** The divergence guard's verdict (lib/unlearn/framework/health.ts); tables mark the method when it is not 'ok'. */
  status: HealthStatus;
  statusReason: string;
}

/**
 * Accuracies on the real retain set, the forget set and the evaluation split, the paper's MIA
 * score (docs/reference/blend-a-amu.md#a9), and the run's verdict: `health` (the unlearning result's loss
 * verdict; HEALTHY for a model that no unlearning run made) or 'chance' on the retain or test accuracy. The reference measured pruning's retain accuracy on the reduced set (a bug, not copied).
 */
export async function measureUnlearning(
  model: Classifier,
  s: Pick<Scenario, 'retain' | 'forget' | 'testEval'>,
  seed: number | string,
  health: RunHealth,
  o: MeasureOptions = {},
): Promise<UnlearnMeasures> {
  // One prediction pass per set: the accuracies and the MIA score share it.
  const pf = await predict(model, s.forget);
  const pt = await predict(model, s.testEval);
  const retainAcc = await accuracy(model, s.retain);
  const testAcc = accuracyOf(pt);
  const verdict = measuredHealth(health, [
    ...(o.chanceOnRetain ?? true ? [{ name: 'retain accuracy', accuracy: retainAcc, set: s.retain }] : []),
    { name: 'test accuracy', accuracy: testAcc, set: s.testEval },
  ]);
  return {
    retainAcc,
    forgetAcc: accuracyOf(pf),
    testAcc,
    mia: blendMiaScoreOfPredictions(pf, pt, { seed }).score,
    status: verdict.status,
    statusReason: verdict.reason,
  };
}

export interface MeasureOptions {
  /**
   * Judge 'chance' on the retain accuracy too (default true). False where the retain set is no sample of
   * the task, e.g. the few samples a memorising model did not fit (mia-defence's Otsu rest).
   */
  chanceOnRetain?: boolean;
}

/**
 * A method's name in result tables: flagged runs ('diverged', 'chance') get the status appended, e.g.
 * 'a-cf [diverged]', so they form their own row instead of entering the healthy runs' mean. Rows read
 * back from results.json written before the guard have no status and count as 'ok'.
 */
export function statusLabel(method: string, row: { status?: HealthStatus }): string {
  return row.status == null || row.status === 'ok' ? method : `${method} [${row.status}]`;
}

/** The method of a table label, without the status statusLabel appended ('a-cf [diverged]' -> 'a-cf'). */
export function methodOfLabel(label: string): string {
  return label.replace(/ \[[a-z]+\]$/, '');
}

/**
 * The finite numeric fields of a result row as run metrics (for ResultsTable.fromRuns), optionally only
 * `keys`. Absent or non-finite values (NaN, or null read back from results.json) are left out.
 */
export function metricsOf(row: object, keys?: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const entries = Object.entries(row as Record<string, unknown>);
  for (const [k, v] of keys ? keys.map((key) => [key, (row as Record<string, unknown>)[key]] as const) : entries) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

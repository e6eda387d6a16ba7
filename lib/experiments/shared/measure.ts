import { blendMiaScoreOfModel } from '../../metrics/mia-blend-logit-auc';
import type { Classifier } from '../../models/classifier';
import { accuracy } from '../../train/evaluate';
import type { Scenario } from './scenario';

/** The four numbers of the Blend/A-AMU paper's tables (accuracies as fractions, rendered in % by shared/percent; MIA score = AUC x 100). */
export interface UnlearnMeasures {
  retainAcc: number;
  forgetAcc: number;
  testAcc: number;
  /** The paper's "MIA score" (logit-confidence logistic attack, forget vs class-matched test; ideal 50). */
  mia: number;
}

/**
 * Accuracies on the real retain set, the forget set and the evaluation split, and the paper's MIA
 * score (docs/reference/blend-a-amu.md#a9). The reference measured pruning's retain accuracy on the reduced set (a bug, not copied).
 */
export function measureUnlearning(model: Classifier, s: Pick<Scenario, 'retain' | 'forget' | 'testEval'>, seed: number | string): UnlearnMeasures {
  return {
    retainAcc: accuracy(model, s.retain),
    forgetAcc: accuracy(model, s.forget),
    testAcc: accuracy(model, s.testEval),
    mia: blendMiaScoreOfModel(model, s.forget, s.testEval, { seed }).score,
  };
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

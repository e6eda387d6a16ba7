import type { Dataset } from '../../data/dataset';
import { blendMiaScoreOfModel } from '../../metrics/mia-blend-logit-auc';
import type { Classifier } from '../../models/classifier';
import { accuracy } from '../../train/evaluate';
import type { Scenario } from './scenario';

/**
 * An accuracy as the papers' tables print it: percent. Runs measure fractions (accuracy(), accuracyOf());
 * result rows keep the papers' units so that rows, the committed results/ and the paper numbers beside
 * them compare directly.
 */
export const percent = (fraction: number): number => 100 * fraction;

/** The four numbers of the Blend/A-AMU paper's tables (accuracies in %, MIA score = AUC x 100). */
export interface UnlearnMeasures {
  retainAcc: number;
  forgetAcc: number;
  testAcc: number;
  /** The paper's "MIA score" (logit-confidence logistic attack, forget vs class-matched test; ideal 50). */
  mia: number;
}

/**
 * Accuracies on the real retain set, the forget set and the evaluation split, and the paper's MIA
 * score (spec A9). The reference measured pruning's retain accuracy on the reduced set (a bug, not copied).
 */
export function measureUnlearning(model: Classifier, s: Pick<Scenario, 'retain' | 'forget' | 'testEval'>, seed: number | string): UnlearnMeasures {
  const pct = (ds: Dataset) => percent(accuracy(model, ds));
  return {
    retainAcc: pct(s.retain),
    forgetAcc: pct(s.forget),
    testAcc: pct(s.testEval),
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

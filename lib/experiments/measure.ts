import type { Dataset } from '../data/dataset';
import { blendMiaScoreOfModel } from '../metrics/mia-blend-logit-auc';
import type { Classifier } from '../models/classifier';
import { evaluate } from '../train/evaluate';
import type { Scenario } from './scenario';

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
  const pct = (ds: Dataset) => 100 * evaluate(model, ds).accuracy;
  return {
    retainAcc: pct(s.retain),
    forgetAcc: pct(s.forget),
    testAcc: pct(s.testEval),
    mia: blendMiaScoreOfModel(model, s.forget, s.testEval, { seed }).score,
  };
}

import { checkBinaryLabels, checkFinite, checkSameLength, type Numbers } from './checks';

/** ROC curve points, from (0, 0) to (1, 1); tied scores form one step (a diagonal segment). */
export interface RocResult {
  fpr: number[];
  tpr: number[];
  /** Threshold of each point: a sample is called a member when score >= threshold (Infinity for the first point). */
  thresholds: number[];
  auc: number;
}

/**
 * ROC curve of `scores` (higher = more likely label 1) against binary `labels`. AUC by the
 * trapezoid rule over the tie-grouped points, which equals the Mann-Whitney probability
 * P(score_1 > score_0) + 0.5 P(tie), as sklearn's roc_auc_score.
 */
export function rocCurve(scores: Numbers, labels: Numbers): RocResult {
  const where = 'rocCurve';
  checkSameLength(where, 'scores', scores, 'labels', labels);
  checkFinite(where, 'scores', scores);
  checkBinaryLabels(where, labels);
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += labels[i];
  const nNeg = n - nPos;
  const fpr = [0];
  const tpr = [0];
  const thresholds = [Infinity];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let i = 0; i < n; ) {
    const s = scores[order[i]];
    let j = i;
    for (; j < n && scores[order[j]] === s; j++) {
      if (labels[order[j]] === 1) tp++;
      else fp++;
    }
    const x = fp / nNeg;
    const y = tp / nPos;
    auc += (x - fpr[fpr.length - 1]) * (y + tpr[tpr.length - 1]) / 2;
    fpr.push(x);
    tpr.push(y);
    thresholds.push(s);
    i = j;
  }
  return { fpr, tpr, thresholds, auc };
}

/** Area under the ROC curve, in [0, 1]; 0.5 = chance. */
export function auc(scores: Numbers, labels: Numbers): number {
  return rocCurve(scores, labels).auc;
}

/**
 * Highest TPR reachable with FPR <= maxFpr on the curve's points (no interpolation), as LiRA
 * reports "TPR at 0.1% / 1% FPR". With few negatives the smallest non-zero FPR is 1/nNeg.
 */
export function tprAtFpr(roc: RocResult, maxFpr: number): number {
  if (!(maxFpr >= 0 && maxFpr <= 1)) throw new Error(`tprAtFpr: maxFpr must be in [0, 1], got ${maxFpr}.`);
  let best = 0;
  for (let i = 0; i < roc.fpr.length; i++) if (roc.fpr[i] <= maxFpr && roc.tpr[i] > best) best = roc.tpr[i];
  return best;
}

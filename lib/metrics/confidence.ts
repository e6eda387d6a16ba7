// Confidence scores of predictions (LiRA's logit-scaled confidence). Accuracy lives in lib/train/evaluate
// (accuracy, accuracyOf): one function for every caller.
import type { Predictions } from '../train/evaluate';

export interface LogitConfidenceOptions {
  /**
   * Reproduce the Blend/A-AMU reference computation (docs/reference/blend-a-amu.md#a9-1): each class's CE clamped to
   * [0, 50], probabilities exp(-CE), logs floored at 1e-15. This caps phi at about +34.5 and
   * -50. Default false: the exact value z_y - logsumexp_{j != y} z_j.
   */
  referenceClamp?: boolean;
}

/**
 * LiRA's logit-scaled confidence phi = log(p_y / (1 - p_y)) = z_y - logsumexp_{j != y} z_j per
 * sample, computed stably from logits (row-major [n * k]). Large phi = confident in the true
 * label (typical of training members).
 */
export function logitConfidence(logits: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, opts: LogitConfidenceOptions = {}): Float64Array {
  const n = labels.length;
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`logitConfidence: numClasses must be an integer >= 2, got ${numClasses}.`);
  if (logits.length !== n * numClasses) {
    throw new Error(`logitConfidence: logits has ${logits.length} values but labels has ${n} entries x ${numClasses} classes = ${n * numClasses}; pass row-major [n * k] logits.`);
  }
  if (n === 0) throw new Error('logitConfidence: no samples; pass at least one row of logits.');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) throw new Error(`logitConfidence: labels[${i}] = ${y} is not a class index in [0, ${numClasses}).`);
    const row = i * numClasses;
    for (let j = 0; j < numClasses; j++) {
      if (!Number.isFinite(logits[row + j])) throw new Error(`logitConfidence: logit [${i}, ${j}] is ${logits[row + j]}; the model produced NaN/Inf.`);
    }
    if (opts.referenceClamp) {
      let lseAll = -Infinity;
      for (let j = 0; j < numClasses; j++) lseAll = logAddExp(lseAll, logits[row + j]);
      const prob = (j: number): number => Math.exp(-Math.min(50, Math.max(0, lseAll - logits[row + j])));
      let others = 0;
      for (let j = 0; j < numClasses; j++) if (j !== y) others += prob(j);
      out[i] = Math.log(Math.max(prob(y), 1e-15)) - Math.log(Math.max(others, 1e-15));
    } else {
      let lseOthers = -Infinity;
      for (let j = 0; j < numClasses; j++) if (j !== y) lseOthers = logAddExp(lseOthers, logits[row + j]);
      out[i] = logits[row + y] - lseOthers;
    }
  }
  return out;
}

/** logitConfidence of a Predictions object. */
export function confidenceOf(p: Predictions, opts: LogitConfidenceOptions = {}): Float64Array {
  return logitConfidence(p.logits, p.labels, p.numClasses, opts);
}

/**
 * Per-sample softmax probability of the true class, p_y, and entropy of the softmax, -sum_j p_j log p_j
 * (SalUn's SVC attack features; the shadow attack's entropy feature), computed stably from the logits.
 */
export function softmaxStats(p: Predictions): { trueClassProbability: Float64Array; entropy: Float64Array } {
  const k = p.numClasses;
  const n = p.labels.length;
  const trueClassProbability = new Float64Array(n);
  const entropy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < k; j++) m = Math.max(m, p.logits[i * k + j]);
    let z = 0;
    for (let j = 0; j < k; j++) z += Math.exp(p.logits[i * k + j] - m);
    let h = 0;
    for (let j = 0; j < k; j++) {
      const q = Math.exp(p.logits[i * k + j] - m) / z;
      if (q > 0) h -= q * Math.log(q);
    }
    entropy[i] = h;
    trueClassProbability[i] = Math.exp(p.logits[i * k + p.labels[i]] - m) / z;
  }
  return { trueClassProbability, entropy };
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

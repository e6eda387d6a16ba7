import { size, subsetByIds, type Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import { predict, type Predictions } from '../train/evaluate';

/** Top-1 accuracy (fraction in [0, 1]) of predictions; NaN-free: throws on an empty set. */
export function accuracyOf(p: Predictions): number {
  if (p.predicted.length === 0) throw new Error('accuracyOf: the prediction set is empty; pass a non-empty dataset or id set.');
  let correct = 0;
  for (let i = 0; i < p.predicted.length; i++) if (p.predicted[i] === p.labels[i]) correct++;
  return correct / p.predicted.length;
}

/** Predictions (logits, per-sample CE, argmax) on the samples of `ds` with the given stable ids (all samples when ids is omitted). */
export function predictOn(model: Classifier, ds: Dataset, ids?: Iterable<number>): Predictions {
  const sub = ids === undefined ? ds : subsetByIds(ds, ids);
  if (size(sub) === 0) throw new Error(`predictOn: no samples selected from ${ds.name}/${ds.split}; pass a non-empty id set.`);
  return predict(model, sub);
}

/** Top-1 accuracy on an id set of a dataset (all of it when ids is omitted), as a fraction. */
export function accuracyOn(model: Classifier, ds: Dataset, ids?: Iterable<number>): number {
  return accuracyOf(predictOn(model, ds, ids));
}

export interface LogitConfidenceOptions {
  /**
   * Reproduce the Blend/A-AMU reference computation (spec A9.1): each class's CE clamped to
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

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

import type { Dataset } from '../data/dataset';
import { confidenceOf, softmaxStats } from '../metrics/confidence';
import type { Classifier } from '../models/classifier';
import { predict, type Predictions } from '../train/evaluate';

/** A model's per-sample numbers on one set, in the set's order (typed arrays, for ad-hoc analysis). */
export interface SampleScores {
  ids: Int32Array;
  labels: Int32Array;
  /** Cross-entropy of the true class. */
  loss: Float32Array;
  /** Softmax probability of the true class, p_y. */
  confidence: Float64Array;
  /** LiRA's logit-scaled confidence log(p_y / (1 - p_y)), exact (no clamping). */
  logitConfidence: Float64Array;
  /** Entropy of the softmax (SalUn's SVC feature). */
  entropy: Float64Array;
  predicted: Int32Array;
  /** The raw predictions (logits), for attacks that need them. */
  predictions: Predictions;
}

export function scoresOf(ds: Dataset, p: Predictions): SampleScores {
  const { trueClassProbability, entropy } = softmaxStats(p);
  return {
    ids: ds.ids,
    labels: p.labels,
    loss: p.losses,
    confidence: trueClassProbability,
    logitConfidence: confidenceOf(p),
    entropy,
    predicted: p.predicted,
    predictions: p,
  };
}

/** Per-sample loss, confidence, logit-confidence, entropy and prediction of `model` on every sample of `ds`. */
export async function sampleScores(model: Classifier, ds: Dataset): Promise<SampleScores> {
  return scoresOf(ds, await predict(model, ds));
}

/** Top-1 accuracy (fraction) of scores. */
export function scoreAccuracy(s: SampleScores): number {
  let c = 0;
  for (let i = 0; i < s.labels.length; i++) if (s.predicted[i] === s.labels[i]) c++;
  return c / s.labels.length;
}

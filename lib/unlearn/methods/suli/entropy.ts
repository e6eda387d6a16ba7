import { predict } from '../../../train/evaluate';
import type { Dataset } from '../../../data/dataset';
import type { Classifier } from '../../../models/classifier';

/** Predictive entropy from row-major logits [n * k]: H = -sum_k p_k log p_k (natural log, T = 1). */
export function entropyFromLogits(logits: Float32Array, numClasses: number): Float32Array {
  const n = logits.length / numClasses;
  if (!Number.isInteger(n)) throw new Error(`entropyFromLogits: ${logits.length} logits do not split into rows of ${numClasses}.`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * numClasses, (i + 1) * numClasses);
    let max = -Infinity;
    for (const z of row) max = Math.max(max, z);
    let sum = 0;
    for (const z of row) sum += Math.exp(z - max);
    const logSum = Math.log(sum) + max;
    let h = 0;
    for (const z of row) {
      const logp = z - logSum;
      h -= Math.exp(logp) * logp;
    }
    out[i] = h;
  }
  return out;
}

/** Entropy of the model's (evaluation-mode) prediction for every sample; labels are not used. */
export async function predictiveEntropy(model: Classifier, ds: Dataset, batchSize = 500): Promise<Float32Array> {
  const p = await predict(model, ds, batchSize);
  return entropyFromLogits(p.logits, p.numClasses);
}

/** Positions sorted by decreasing entropy; ties keep their original order (a stable sort, as Python's). */
export function entropyOrder(entropy: ArrayLike<number>): Int32Array {
  const idx = Array.from({ length: entropy.length }, (_, i) => i);
  idx.sort((a, b) => entropy[b] - entropy[a] || a - b);
  return Int32Array.from(idx);
}

/**
 * How the entropy-sorted forget set is cut into SULI's layers. 'size': consecutive chunks of
 * `layerSize` (the public code: 500 class-wise, 32 instance-wise; the last chunk may be smaller).
 * 'count': `numLayers` near-equal consecutive chunks (the paper's t; t = 2 in all its experiments).
 */
export type LayerSplit = { by: 'size'; layerSize: number } | { by: 'count'; numLayers: number };

export function splitIntoLayers(order: Int32Array, split: LayerSplit): Int32Array[] {
  const n = order.length;
  if (n === 0) throw new Error('splitIntoLayers: nothing to split (empty forget set).');
  const layers: Int32Array[] = [];
  if (split.by === 'size') {
    if (!Number.isInteger(split.layerSize) || split.layerSize < 1) {
      throw new Error(`splitIntoLayers: layerSize must be a positive integer, got ${split.layerSize}.`);
    }
    for (let s = 0; s < n; s += split.layerSize) layers.push(order.slice(s, Math.min(n, s + split.layerSize)));
    return layers;
  }
  if (!Number.isInteger(split.numLayers) || split.numLayers < 1) {
    throw new Error(`splitIntoLayers: numLayers must be a positive integer, got ${split.numLayers}.`);
  }
  // More layers than samples would leave empty layers: cap at one sample per layer.
  const t = Math.min(split.numLayers, n);
  for (let i = 0; i < t; i++) layers.push(order.slice(Math.floor((i * n) / t), Math.floor(((i + 1) * n) / t)));
  return layers;
}

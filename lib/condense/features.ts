import { batchTensors } from '../data/batches';
import type { Dataset } from '../data/dataset';
import { yieldIfDue } from '../engine/event-loop';
import { tidyRead } from '../engine/read';
import type { Classifier } from '../models/classifier';
import { createModel } from '../models/registry';

/** Options of the randomly initialised, never trained feature extractor (reference: ConvNet-128x3, instance norm). */
export interface RandomExtractorOptions {
  arch?: string;
  /** Architecture options, e.g. { width: 128, depth: 3 }. */
  options?: Record<string, unknown>;
  seed: number | string;
}

/** A freshly initialised (untrained) model used only as a feature map. */
export function randomExtractor(ds: Pick<Dataset, 'shape' | 'classNames'>, o: RandomExtractorOptions): Classifier {
  return createModel(o.arch ?? 'convnet', {
    inputShape: ds.shape,
    numClasses: Math.max(2, ds.classNames.length),
    seed: o.seed,
    options: o.options ?? {},
  });
}

/** Penultimate features (model.embed, evaluation mode) of the samples at `positions`, row-major [n, embedDim]. */
export async function embedPositions(model: Classifier, ds: Dataset, positions: ArrayLike<number>, batchSize = 256): Promise<Float32Array> {
  const n = positions.length;
  const d = model.embedDim;
  const out = new Float32Array(n * d);
  for (let s = 0; s < n; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => positions[s + i]);
    const [f] = await tidyRead(() => [model.embed(batchTensors(ds, idx).x, false)]);
    out.set(f as Float32Array, s * d);
    await yieldIfDue();
  }
  return out;
}

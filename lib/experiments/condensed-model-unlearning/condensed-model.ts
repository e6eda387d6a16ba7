import type { Dataset } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import type { Classifier } from '../../models/classifier';
import { cloneModel, createModel } from '../../models/registry';
import { AUTOENCODER_CUTS } from '../../models/zoo/autoencoder';
import type { ConvClassifierSpec } from '../../models/zoo/conv-classifier';
import { trainLoop } from '../../train/loop';
import { Adam } from '../../train/optimizers';
import type { ProgressSink } from '../../train/progress';
import { modularSplit, partPass, reinitialisePart } from '../../unlearn/shared/modular-parts';
import type { RecondensationSetting } from './settings';

/** The condensed model's cuts in the modular machinery's words (ModularCuts). */
export const CONDENSED_CUTS = { ...AUTOENCODER_CUTS, reluOnLogits: false };

/**
 * The condensed model of the study (docs/reference/modular-2024.md#b10): the pretrained autoencoder's encoder
 * (Beginning) and decoder (Intermediate, the "databank" that re-renders an image), copied, with a new
 * ConvClassifier (Final) on the decoder's output. The caller owns it.
 */
export function condensedModelOf(pretrained: Classifier, classifier: ConvClassifierSpec, seed: number | string): Classifier {
  if (pretrained.spec.arch !== 'autoencoder' || pretrained.spec.options.final === 'conv-classifier') {
    throw new Error(`condensedModelOf: needs the pretrained autoencoder (arch 'autoencoder', final 'mlp'), got '${pretrained.spec.arch}' ${JSON.stringify(pretrained.spec.options)}.`);
  }
  const { channels } = pretrained.spec.options as { channels?: number[] };
  const model = createModel('autoencoder', {
    inputShape: pretrained.spec.inputShape,
    numClasses: pretrained.spec.numClasses,
    seed: `${seed}/condensed-final`,
    options: { ...(channels != null ? { channels } : {}), final: 'conv-classifier', classifierWidths: classifier.widths, classifierHidden: classifier.hidden, classifierDropout: classifier.dropout },
  });
  const from = new Map(pretrained.namedParameters());
  for (const [name, v] of model.namedParameters()) {
    if (!name.startsWith('features.encoder.') && !name.startsWith('features.decoder.')) continue;
    const src = from.get(name);
    if (src == null) throw new Error(`condensedModelOf: the pretrained autoencoder has no '${name}'.`);
    v.assign(src);
  }
  return model;
}

/**
 * Recondensation training (the reference's baseline): the encoder and decoder of `condensed` frozen, a new
 * ConvClassifier trained on the remembrance set (Adam, shuffled batches, cross-entropy) through the
 * one training loop. Returns the new model (the caller's) and its training seconds.
 */
export async function recondense(
  condensed: Classifier,
  remembrance: Dataset,
  s: RecondensationSetting,
  seed: number,
  onProgress?: ProgressSink,
): Promise<{ model: Classifier; seconds: number }> {
  const model = cloneModel(condensed);
  try {
    const split = modularSplit(model, CONDENSED_CUTS);
    reinitialisePart(split, split.final, `${seed}/recondensation-final`);
    const rng = new Rng(seed).fork('recondensation');
    const t0 = performance.now();
    await trainLoop({
      task: 'recondensation training',
      params: split.final.parameters(),
      epochs: s.epochs,
      optimizer: () => new Adam(),
      lr: () => s.lr,
      passes: (e) => [partPass('final', split, split.final, remembrance, s.batchSize, rng.fork(`epoch-${e}`))],
      readLoss: 'epoch',
      onProgress,
    });
    return { model, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

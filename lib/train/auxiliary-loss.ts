import * as tf from '@tensorflow/tfjs';
import type { Module } from '../models/nn/module';

/** The per-channel normalisation the training images went through (Dataset.mean / std). */
export interface InputNormalisation {
  mean: readonly number[];
  std: readonly number[];
}

/**
 * A module that adds a term to its model's training loss, as Keras' add_loss: e.g. the autoencoder's
 * reconstruction error beside its classifier's cross-entropy (lib/models/zoo/autoencoder.ts). fit adds
 * every such term of the model to its loss; null means the module has no term in this configuration.
 */
export interface AuxiliaryLoss {
  auxiliaryLoss(x: tf.Tensor4D, input: InputNormalisation): tf.Scalar | null;
}

function hasAuxiliaryLoss(m: Module): m is Module & AuxiliaryLoss {
  return typeof (m as Partial<AuxiliaryLoss>).auxiliaryLoss === 'function';
}

/** The modules of `model` that add a term to its training loss (none for the plain classifiers). */
export function auxiliaryLossesOf(model: Module): AuxiliaryLoss[] {
  return model.namedModules().map(([, m]) => m).filter(hasAuxiliaryLoss);
}

/** loss + every auxiliary term on the batch x (inside the gradient tape, so the terms are trained too). */
export function withAuxiliaryLosses(loss: tf.Scalar, terms: readonly AuxiliaryLoss[], x: tf.Tensor4D, input: InputNormalisation): tf.Scalar {
  let total = loss;
  for (const t of terms) {
    const extra = t.auxiliaryLoss(x, input);
    if (extra != null) total = tf.add(total, extra);
  }
  return total;
}

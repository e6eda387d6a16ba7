import * as tf from '@tensorflow/tfjs';
import { size, type Dataset } from '../data/dataset';
import { tidyReadScalar } from '../engine/read';
import type { Classifier } from '../models/classifier';
import { parameterGradients } from './model-gradients';

/**
 * The 2024 DC-unlearning paper's "unlearning metric" (docs/reference/modular-2024.md#b8, reference
 * `measure_unlearning`): for each class c present in the forget set, g_F = grad of the CE over all
 * forget samples of class c (one batch) and g_R = the same over all retain samples of class c. Per
 * parameter tensor, distance = mean over output units of (1 - cos(g_R[unit], g_F[unit])); 1-D
 * tensors (biases, norm scales) contribute 0 but still count in the mean over tensors. Result =
 * mean over classes x 100.
 *
 * Our weights are stored [..., out] (TF layout), so an output unit's "row" is the slice along the
 * last axis (the reference's PyTorch [out, ...] rows). What it measures: how differently the
 * model's parameters would move for forget vs retain data of the same class; a model that still
 * fits the forget data like the retain data gives small values. The paper reads higher = more
 * unlearned; there is no fixed ideal, compare with retraining. A zero gradient row gives cos = 0
 * (distance 1), as torch's cosine_similarity with its eps does.
 */
export interface UnlearningMetricOptions {
  /** Forward mode for the gradients; default true (the reference measures the model as left by training, i.e. train mode). */
  training?: boolean;
}

async function rowDistance(gr: tf.Tensor, gf: tf.Tensor): Promise<number> {
  if (gr.rank < 2) return 0;
  return tidyReadScalar(() => {
    const out = gr.shape[gr.rank - 1];
    const a = tf.transpose(tf.reshape(gr, [-1, out]));
    const b = tf.transpose(tf.reshape(gf, [-1, out]));
    const dot = tf.sum(tf.mul(a, b), 1);
    const norms = tf.maximum(tf.mul(tf.norm(a, 2, 1), tf.norm(b, 2, 1)), 1e-8);
    return tf.mean(tf.sub(1, tf.div(dot, norms)));
  });
}

export async function unlearningMetric(model: Classifier, forget: Dataset, retain: Dataset, opts: UnlearningMetricOptions = {}): Promise<number> {
  if (size(forget) === 0) throw new Error(`unlearningMetric: the forget set ${forget.name}/${forget.split} is empty.`);
  const classes = [...new Set(Array.from(forget.labels))].sort((a, b) => a - b);
  const training = opts.training ?? true;
  let total = 0;
  for (const c of classes) {
    const fPos = Array.from(forget.labels.keys()).filter((i) => forget.labels[i] === c);
    const rPos = Array.from(retain.labels.keys()).filter((i) => retain.labels[i] === c);
    if (rPos.length === 0) {
      throw new Error(`unlearningMetric: the retain set has no samples of forget class ${c}, so g_R is undefined (class-wise forgetting of a whole class has no per-class retain gradient).`);
    }
    const gF = (await parameterGradients(model, forget, fPos, training)).grads;
    try {
      const gR = (await parameterGradients(model, retain, rPos, training)).grads;
      try {
        let sum = 0;
        for (let t = 0; t < gF.length; t++) sum += await rowDistance(gR[t], gF[t]);
        total += sum / gF.length;
      } finally {
        tf.dispose(gR);
      }
    } finally {
      tf.dispose(gF);
    }
  }
  return (100 * total) / classes.length;
}

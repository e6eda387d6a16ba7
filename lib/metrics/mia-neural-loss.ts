import * as tf from '@tensorflow/tfjs';
import { size, type Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import type { Classifier } from '../models/classifier';
import { predict } from '../train/evaluate';
import { checkScoredSet, randomSubset, type ScoredSet } from './attack-data';
import { stratifiedShuffleSplit } from './cross-validation';
import { rocCurve } from './roc';

/**
 * A neural membership-inference attack on per-sample losses: TensorFlow Privacy's trained "multi-layered
 * perceptron" attack (AttackType.MULTI_LAYERED_PERCEPTRON, sklearn MLPClassifier), which the 2024 modular paper
 * runs on train (members) vs test (non-members) losses in its MIA-defence study (docs/reference/modular-2024.md#b8,
 * `auxil/mia_whole.py`).
 *
 * What it measures: the AUC of a small MLP that tells members from non-members by their loss alone, on attack data
 * it did not train on, and the attacker's advantage max |TPR - FPR| over thresholds. Ideal for a private model:
 * AUC 0.5, advantage 0; 1 = membership fully exposed.
 *
 * Differences from TF Privacy, chosen here: one architecture (one hidden layer of 64 ReLU units, Adam 1e-3,
 * L2 1e-4, batches of 200, at most 200 epochs with sklearn's stop once the loss stalls for 10: sklearn's defaults) instead of a 3-fold grid search over six settings;
 * the loss is standardised (sklearn's MLP is not scale-invariant and losses span orders of magnitude); the two sides
 * are balanced by random subsampling; 25% of the attack data is held out (TF Privacy's test_fraction 0.25).
 * The MLP is TensorFlow.js' layers API (tf.sequential), seeded.
 */
export interface NeuralLossMiaOptions {
  seed?: number | string;
  hidden?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  l2?: number;
  /** Share of the balanced attack data held out for the AUC (default 0.25). */
  testFraction?: number;
}

export interface NeuralLossMiaResult {
  /** AUC of the attack on its held-out data (0.5 = chance). */
  auc: number;
  /** max over thresholds of |TPR - FPR| on the held-out data (0 = no advantage). */
  advantage: number;
  /** Members (= non-members) per side after balancing. */
  perSide: number;
  /** Held-out samples the AUC is measured on. */
  heldOut: number;
}

const WHERE = 'neuralLossMia';

export async function neuralLossMia(members: ScoredSet, nonMembers: ScoredSet, o: NeuralLossMiaOptions = {}): Promise<NeuralLossMiaResult> {
  checkScoredSet(WHERE, 'members', members);
  checkScoredSet(WHERE, 'nonMembers', nonMembers);
  const testFraction = o.testFraction ?? 0.25;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`${WHERE}: testFraction must be in (0, 1), got ${testFraction}.`);
  const m = Math.min(members.values.length, nonMembers.values.length);
  if (m < 8) throw new Error(`${WHERE}: only ${m} samples on the smaller side (members ${members.values.length}, non-members ${nonMembers.values.length}); need at least 8 each.`);
  const rng = new Rng(o.seed ?? 0);
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  const mIdx = randomSubset(all(members.values.length), m, rng.fork('members'));
  const nIdx = randomSubset(all(nonMembers.values.length), m, rng.fork('non-members'));
  const x = [...mIdx.map((i) => members.values[i]), ...nIdx.map((i) => nonMembers.values[i])].map((v) => Math.min(100, v));
  const y = [...mIdx.map(() => 1), ...nIdx.map(() => 0)];
  const [split] = stratifiedShuffleSplit(y, 1, testFraction, rng.fork('split'));
  // Standardised with the training part's statistics only.
  const mu = split.train.reduce((s, i) => s + x[i], 0) / split.train.length;
  const sd = Math.sqrt(split.train.reduce((s, i) => s + (x[i] - mu) ** 2, 0) / split.train.length) || 1;
  const column = (idx: number[]) => tf.tensor2d(Float32Array.from(idx, (i) => (x[i] - mu) / sd), [idx.length, 1]);
  // Shuffled once with our seeded Rng; fit() then keeps the order (its own shuffle uses Math.random).
  const train = [...split.train];
  rng.fork('order').shuffle(train);
  const seed = rng.fork('init').uint32();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: o.hidden ?? 64, activation: 'relu', inputShape: [1], kernelInitializer: tf.initializers.glorotUniform({ seed }), kernelRegularizer: tf.regularizers.l2({ l2: o.l2 ?? 1e-4 }) }),
      tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
  const xs = column(train);
  const ys = tf.tensor2d(Float32Array.from(train, (i) => y[i]), [train.length, 1]);
  const xt = column(split.test);
  const optimizer = tf.train.adam(o.lr ?? 1e-3);
  try {
    model.compile({ optimizer, loss: 'binaryCrossentropy' });
    // sklearn's stopping rule: at most 200 epochs, stop once the training loss has not improved by 1e-4 for 10 epochs.
    const callbacks = [tf.callbacks.earlyStopping({ monitor: 'loss', minDelta: 1e-4, patience: 10 })];
    await model.fit(xs, ys, { epochs: o.epochs ?? 200, batchSize: o.batchSize ?? 200, shuffle: false, verbose: 0, callbacks });
    const out = model.predict(xt) as tf.Tensor;
    let scores: tf.TypedArray;
    try {
      scores = (await out.data()).slice();
    } finally {
      out.dispose();
    }
    const labels = split.test.map((i) => y[i]);
    const roc = rocCurve(scores, labels);
    let advantage = 0;
    for (let i = 0; i < roc.tpr.length; i++) advantage = Math.max(advantage, Math.abs(roc.tpr[i] - roc.fpr[i]));
    return { auc: roc.auc, advantage, perSide: m, heldOut: split.test.length };
  } finally {
    tf.dispose([xs, ys, xt]);
    model.dispose();
    // The optimiser's moments are not the model's: dispose() leaves them.
    optimizer.dispose();
  }
}

/** The attack on a model: members = a training split, non-members = an unseen test split. */
export async function neuralLossMiaOfModel(model: Classifier, members: Dataset, nonMembers: Dataset, o: NeuralLossMiaOptions = {}): Promise<NeuralLossMiaResult> {
  if (size(members) === 0) throw new Error(`${WHERE}: the member set ${members.name}/${members.split} is empty.`);
  if (size(nonMembers) === 0) throw new Error(`${WHERE}: the non-member set ${nonMembers.name}/${nonMembers.split} is empty.`);
  const pm = await predict(model, members);
  const pn = await predict(model, nonMembers);
  return neuralLossMia({ values: pm.losses, classes: pm.labels }, { values: pn.losses, classes: pn.labels }, o);
}

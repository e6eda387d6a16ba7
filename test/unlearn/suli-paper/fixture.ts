import { subsetByIndex, type Dataset } from '../../../lib/data/dataset';
import { loadFashionMnist } from '../../../lib/data/loaders/fashion-mnist';
import { init } from '../../../lib/engine/init';
import { Rng } from '../../../lib/engine/rng';
import type { Classifier } from '../../../lib/models/classifier';
import { createModel } from '../../../lib/models/registry';
import { fit } from '../../../lib/train/fit';

export interface Task {
  model: Classifier;
  /** Training images of the forgotten class (class-wise forget set). */
  forget: Dataset;
  retain: Dataset;
  /** Held-out images, `referencePerClass` per class (SULI's reference set). */
  reference: Dataset;
  test: Dataset;
  forgetClass: number;
}

export interface TaskOptions {
  perClass: number;
  referencePerClass: number;
  arch: 'mlp' | 'convnet';
  options: Record<string, unknown>;
  epochs: number;
  lr: number;
  forgetClass: number;
  seed: number;
  testSize: number;
}

const DEFAULTS: TaskOptions = {
  perClass: 40,
  referencePerClass: 10,
  arch: 'mlp',
  options: { hidden: [64] },
  epochs: 20,
  lr: 0.05,
  // Shirt: close to T-shirt, Pullover and Coat, so adversarial neighbours exist (Trouser's FGSM mostly fails).
  forgetClass: 6,
  seed: 7,
  testSize: 500,
};

/**
 * A small class-wise unlearning task on real Fashion-MNIST: perClass training images per class, a
 * disjoint reference set, a test subset, and a model trained on the training images.
 */
export async function makeTask(opts: Partial<TaskOptions> = {}): Promise<Task> {
  const o = { ...DEFAULTS, ...opts };
  await init({ backend: 'wasm', log: false });
  const rng = new Rng(o.seed);
  const all = loadFashionMnist('train');
  const byClass: number[][] = Array.from({ length: 10 }, () => []);
  for (const i of rng.permutation(all.labels.length)) {
    const c = all.labels[i];
    if (byClass[c].length < o.perClass + o.referencePerClass) byClass[c].push(i);
  }
  const trainIdx = byClass.flatMap((l) => l.slice(0, o.perClass));
  const refIdx = byClass.flatMap((l) => l.slice(o.perClass));
  const train = subsetByIndex(all, trainIdx);
  const forget = subsetByIndex(all, trainIdx.filter((i) => all.labels[i] === o.forgetClass));
  const retain = subsetByIndex(all, trainIdx.filter((i) => all.labels[i] !== o.forgetClass));
  const reference = subsetByIndex(all, refIdx);
  const testAll = loadFashionMnist('test');
  const test = subsetByIndex(testAll, Int32Array.from({ length: o.testSize }, (_, i) => i));
  const model = createModel(o.arch, { inputShape: [28, 28, 1], numClasses: 10, seed: o.seed, options: o.options });
  await fit(model, train, { epochs: o.epochs, batchSize: 50, lr: o.lr, optimizer: { kind: 'sgd', momentum: 0.9 }, seed: o.seed });
  return { model, forget, retain, reference, test, forgetClass: o.forgetClass };
}

import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../../lib/data/dataset';
import { loadFashionMnist } from '../../../lib/data/loaders/fashion-mnist';
import { init } from '../../../lib/engine/init';
import type { Classifier } from '../../../lib/models/classifier';
import { createModel } from '../../../lib/models/registry';
import { getUnlearner, unlearnerNames } from '../../../lib/unlearn';

const BLEND_PAPER = ['retrain', 'cf', 'distillation', 'bad-teacher', 'l1-sparse', 'pruning', 'synflow', 'scrub', 'a-cf', 'a-l1', 'a-scrub'];

let model: Classifier;
let data: Dataset;

const first = (ds: Dataset, n: number) => subsetByIndex(ds, Int32Array.from({ length: n }, (_, i) => i));

describe('nonsense inputs get clear errors', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    data = first(loadFashionMnist('test'), 60);
    model = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, options: { width: 4 } });
  });

  // Forget = the first 10 images, retain = the other 50 (disjoint, as the framework requires).
  const rest = () => subsetByIndex(data, Int32Array.from({ length: 50 }, (_, i) => 10 + i));
  const inputs = (over: Record<string, unknown> = {}) => ({ original: model, retain: rest(), forget: first(data, 10), testPool: data, seed: 1, ...over });

  it('lists every method of the paper in the registry, and rejects an unknown one', () => {
    expect(unlearnerNames().slice(0, BLEND_PAPER.length)).toEqual(BLEND_PAPER);
    for (const n of BLEND_PAPER) expect(getUnlearner(n).uses.retain).toBe(true);
    expect(() => getUnlearner('a-fisher')).toThrow(/Unknown unlearning method 'a-fisher'. Choose one of: .*a-cf/);
  });

  it('rejects negative or fractional epochs, unknown keys and bad values for every method', async () => {
    for (const name of BLEND_PAPER) {
      const m = getUnlearner(name);
      await expect(m.run(inputs({ config: { epochs: -1 } })), name).rejects.toThrow(new RegExp(`${name}: config.epochs must be a positive integer, got -1`));
      await expect(m.run(inputs({ config: { epochs: 1.5 } }))).rejects.toThrow(/config.epochs must be a positive integer/);
      await expect(m.run(inputs({ config: { learningRate: 0.1 } }))).rejects.toThrow(/unknown config key 'learningRate'. Known keys: epochs, batchSize, lr/);
      await expect(m.run(inputs({ config: { lr: 0 } }))).rejects.toThrow(/config.lr must be a finite number > 0, got 0/);
      await expect(m.run(inputs({ config: { optimizer: 'rmsprop' } }))).rejects.toThrow(/config.optimizer must be one of 'sgd', 'adam'/);
    }
    await expect(getUnlearner('a-cf').run(inputs({ config: { lambda: -3 } }))).rejects.toThrow(/a-cf: config.lambda must be a finite number >= 0, got -3/);
    // An A-method's unknown-key message lists its A-AMU keys as well as its base method's.
    await expect(getUnlearner('a-scrub').run(inputs({ config: { lamda: 1 } }))).rejects.toThrow(
      /a-scrub: unknown config key 'lamda'. Known keys: epochs, .*msteps, .*temperature, lambda, k, sigma, kappa, forgetFactor, testSamples, referenceRelu\./,
    );
    await expect(getUnlearner('pruning').run(inputs({ config: { epochs: 2, pruneEvery: 5 } }))).rejects.toThrow(/^pruning: config\.pruneEvery must be <= config\.epochs \(2\), got 5\.$/);
    await expect(getUnlearner('l1-sparse').run(inputs({ config: { epochs: 2, noL1Epochs: 3 } }))).rejects.toThrow(/^l1-sparse: config\.noL1Epochs must be <= config\.epochs \(2\), got 3\.$/);
  });

  it('rejects an empty forget set, an empty retain set, a wrong image shape and a test pool without the forgotten classes', async () => {
    const empty = first(data, 0);
    for (const name of BLEND_PAPER) {
      await expect(getUnlearner(name).run(inputs({ forget: empty }))).rejects.toThrow(new RegExp(`${name}: the forget set is empty`));
      await expect(getUnlearner(name).run(inputs({ retain: empty }))).rejects.toThrow(/the retain set is empty/);
    }
    const rgb: Dataset = { ...data, shape: [28, 28, 3], images: new Float32Array(60 * 28 * 28 * 3), mean: [0, 0, 0], std: [1, 1, 1] };
    await expect(getUnlearner('cf').run(inputs({ retain: rgb }))).rejects.toThrow(/retain set has images of shape \[28, 28, 3\] but the model expects \[28, 28, 1\]/);
    const forget = first(data, 10);
    const otherClasses = subsetByIndex(data, Int32Array.from([...data.labels.keys()].filter((i) => !forget.labels.includes(data.labels[i]))));
    await expect(getUnlearner('a-cf').run(inputs({ forget, testPool: otherClasses, config: { batchSize: 30 } }))).rejects.toThrow(
      /a-cf: the test pool has no samples of the forget classes/,
    );
    await expect(getUnlearner('a-cf').run(inputs({ testPool: empty }))).rejects.toThrow(/a-cf: the testPool set is empty/);
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import { createModel } from '../../lib/models/registry';
import { evaluate } from '../../lib/train/evaluate';
import { fit } from '../../lib/train/fit';

describe('a ConvNet trains on the wasm backend', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('learns Fashion-MNIST from 1500 images, with a flat tensor count across epochs', async () => {
    const rng = new Rng(3);
    const all = loadFashionMnist('train');
    const train = subsetByIndex(all, rng.permutation(all.labels.length).subarray(0, 1500));
    const test = subsetByIndex(loadFashionMnist('test'), Int32Array.from({ length: 1000 }, (_, i) => i));
    const model = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, seed: 3, options: { width: 16 } });
    const before = (await evaluate(model, test)).accuracy;
    const counts: number[] = [];
    const history = await fit(model, train, {
      epochs: 5,
      batchSize: 50,
      lr: 0.05,
      optimizer: { kind: 'sgd', momentum: 0.9 },
      seed: 3,
      onEpochEnd: () => {
        counts.push(tf.memory().numTensors);
      },
    });
    const after = (await evaluate(model, test)).accuracy;
    expect(tf.getBackend()).toBe('wasm');
    expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0].loss * 0.7);
    expect(before).toBeLessThan(0.3);
    expect(after).toBeGreaterThan(0.7);
    // Same number of live tensors after epoch 1 and epoch 5: nothing leaks per epoch.
    expect(counts[4]).toBe(counts[0]);
    model.dispose();
  });

  it('stops with a clear error when the loss becomes NaN', async () => {
    const ds = subsetByIndex(loadFashionMnist('test'), Int32Array.from({ length: 64 }, (_, i) => i));
    ds.images[5] = NaN;
    const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10 });
    await expect(fit(model, ds, { epochs: 1, batchSize: 32, lr: 0.1 })).rejects.toThrow(/training loss became NaN in epoch 1/);
    await expect(fit(model, ds, { epochs: -1, batchSize: 32, lr: 0.1 })).rejects.toThrow(/epochs must be an integer >= 0/);
    model.dispose();
  });
});

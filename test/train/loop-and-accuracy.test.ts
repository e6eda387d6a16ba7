import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { init } from '../../lib/engine/init';
import type { Classifier } from '../../lib/models/classifier';
import { createModel } from '../../lib/models/registry';
import { accuracy, accuracyOf, evaluate, predict, type Predictions } from '../../lib/train/evaluate';
import { YIELD_EVERY_MS } from '../../lib/engine/event-loop';
import { trainLoop, type LoopOptions } from '../../lib/train/loop';
import { Sgd } from '../../lib/train/optimizers';

let model: Classifier;
let data: Dataset;

beforeAll(async () => {
  await init({ backend: 'wasm', log: false });
  data = subsetByIndex(loadFashionMnist('test'), Int32Array.from({ length: 40 }, (_, i) => i));
  model = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, seed: 2, options: { width: 4 } });
});

describe('accuracy', () => {
  const p: Predictions = { logits: new Float32Array(0), losses: new Float32Array(0), numClasses: 3, labels: Int32Array.from([0, 1, 2, 2]), predicted: Int32Array.from([0, 2, 2, 1]) };

  it('is a fraction, optionally over the labels a filter keeps, and refuses an empty selection', () => {
    expect(accuracyOf(p)).toBe(0.5);
    expect(accuracyOf(p, (y) => y === 2)).toBe(0.5);
    expect(accuracyOf(p, (y) => y !== 2)).toBe(0.5);
    expect(accuracyOf(p, (y) => y === 0)).toBe(1);
    expect(() => accuracyOf(p, (y) => y === 7)).toThrow(/accuracyOf: no sample selected .*none kept by the label filter/);
  });

  it('of a model equals evaluate() bit for bit, selects by stable id, and refuses an empty id set', async () => {
    expect(await accuracy(model, data)).toBe((await evaluate(model, data)).accuracy);
    const ids = Array.from(data.ids.subarray(5, 15));
    const pr = await predict(model, data);
    let hit = 0;
    for (let i = 5; i < 15; i++) if (pr.predicted[i] === pr.labels[i]) hit++;
    expect(await accuracy(model, data, ids)).toBe(hit / 10);
    await expect(accuracy(model, data, [])).rejects.toThrow(/accuracy: no samples selected from fashion-mnist\/test \(the id set is empty\)/);
  });
});

describe('trainLoop', () => {
  const params = () => model.parameters();
  const options = (over: Partial<LoopOptions>): LoopOptions => ({
    task: 'toy',
    params: params(),
    epochs: 3,
    optimizer: () => new Sgd(),
    lr: () => 1e-3,
    passes: () => [{ name: 'toy', steps: [1, 2].map(() => ({ weight: 1, build: () => () => tf.mul(tf.addN(params().map((p) => tf.sum(p))), 0) as tf.Scalar })) }],
    readLoss: 'step',
    ...over,
  });

  it('stops after the step at which the stop rule fires, yields between epochs, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    let checks = 0;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const records = await trainLoop(options({ stop: { every: 'step', check: () => ++checks === 4 }, afterEpoch: async () => void (await new Promise((r) => setTimeout(r, 2))) }));
    clearInterval(timer);
    expect(records.map((r) => [r.epoch, r.steps, r.stopped])).toEqual([
      [0, 2, false],
      [1, 2, true],
    ]);
    expect(ticks).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('yields to the event loop within a long epoch too, so a signal or timer waits at most YIELD_EVERY_MS of steps', async () => {
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const stepMs = 30;
    const steps = Math.ceil((3 * YIELD_EVERY_MS) / stepMs);
    let done = 0;
    let doneWhenFired = -1;
    setTimeout(() => (doneWhenFired = done), 0);
    const oneLongEpoch = () => [{ name: 'toy', steps: Array.from({ length: steps }, () => ({ weight: 1, build: () => (busy(stepMs), () => tf.mul(tf.addN(params().map((p) => tf.sum(p))), 0) as tf.Scalar) })) }];
    await trainLoop(options({ epochs: 1, passes: oneLongEpoch, readLoss: 'epoch', afterStep: () => void done++ }));
    // The timer ran mid-epoch, after about YIELD_EVERY_MS of steps, not after the epoch's last step.
    expect(doneWhenFired).toBeGreaterThan(0);
    expect(doneWhenFired).toBeLessThan(steps);
  });

  it('throws a clear error when a loss becomes NaN, read per step or per epoch', async () => {
    const nan = () => [{ name: 'toy', steps: [{ weight: 2, build: () => () => tf.scalar(Number.NaN).add(tf.mul(tf.addN(params().map((p) => tf.sum(p))), 0)) as tf.Scalar }] }];
    await expect(trainLoop(options({ passes: nan }))).rejects.toThrow('toy: the toy loss became NaN at step 1 of epoch 1 (lr 0.001). Lower the learning rate or check the data for NaN.');
    await expect(trainLoop(options({ passes: nan, readLoss: 'epoch', nanHint: 'Lower config.lr.' }))).rejects.toThrow('toy: the toy loss became NaN in epoch 1 (lr 0.001). Lower config.lr.');
  });
});

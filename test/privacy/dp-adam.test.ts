import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import { createModel } from '../../lib/models/registry';
import { measureDpStepCost } from '../../lib/privacy/cost';
import { dpAdamStep, noisyMean, poissonBatch, trainDpAdam } from '../../lib/privacy/dp-adam';
import { epsilonOf } from '../../lib/privacy/rdp-accountant';
import { Adam } from '../../lib/train/optimizers';
import { evaluate } from '../../lib/train/evaluate';

describe('DP-Adam', () => {
  let train: Dataset;
  let test: Dataset;

  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    const all = loadFashionMnist('test');
    const order = new Rng(11).permutation(all.labels.length);
    train = subsetByIndex(all, order.subarray(0, 600));
    test = subsetByIndex(all, order.subarray(600, 1100));
  });

  it('adds Gaussian noise of std noiseMultiplier * clip / expectedBatchSize', async () => {
    // 200,000 draws: the sample std's standard error is std / sqrt(2n) = 0.16%, so a 1% tolerance is > 6 SE.
    const n = 200_000;
    const zeros = [tf.zeros([n]), tf.zeros([4, 5])];
    const clip = 0.5;
    const noiseMultiplier = 1.3;
    const expectedBatchSize = 64;
    const before = tf.memory().numTensors;
    const out = noisyMean(zeros, { clip, noiseMultiplier, expectedBatchSize, rng: new Rng(7) });
    expect(out.map((t) => t.shape)).toEqual([[n], [4, 5]]);
    const v = (await out[0].data()) as Float32Array;
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const expected = (noiseMultiplier * clip) / expectedBatchSize; // 0.01015625
    expect(Math.abs(std / expected - 1)).toBeLessThan(0.01);
    expect(Math.abs(mean)).toBeLessThan((5 * expected) / Math.sqrt(n));
    // The noisy mean of a non-zero sum is sum / B plus that noise: its mean moves by sum / B.
    const filled = tf.fill([n], 6.4);
    const shifted = noisyMean([filled], { clip, noiseMultiplier, expectedBatchSize, rng: new Rng(8) });
    filled.dispose();
    const sv = (await shifted[0].data()) as Float32Array;
    expect(Math.abs(sv.reduce((a, b) => a + b, 0) / n - 0.1)).toBeLessThan((5 * expected) / Math.sqrt(n));
    // Seeded: the same seed gives the same noise, another seed other noise.
    const again = noisyMean(zeros, { clip, noiseMultiplier, expectedBatchSize, rng: new Rng(7) });
    const other = noisyMean(zeros, { clip, noiseMultiplier, expectedBatchSize, rng: new Rng(9) });
    expect(Array.from((await again[0].data()).subarray(0, 5))).toEqual(Array.from(v.subarray(0, 5)));
    expect((await other[0].data())[0]).not.toBe(v[0]);
    tf.dispose([...out, ...shifted, ...again, ...other]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(zeros);
  });

  it('Poisson sampling draws each example with probability q (random batch size)', () => {
    const rng = new Rng(3);
    const n = 2000;
    const q = 0.05;
    const sizes: number[] = [];
    const hits = new Int32Array(n);
    for (let s = 0; s < 400; s++) {
      const b = poissonBatch(n, q, rng);
      sizes.push(b.length);
      for (const i of b) hits[i]++;
      // Positions are distinct and sorted.
      for (let j = 1; j < b.length; j++) expect(b[j]).toBeGreaterThan(b[j - 1]);
    }
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (sizes.length - 1);
    // Binomial(2000, 0.05): mean 100, variance 95; the mean of 400 batches has SE 0.49.
    expect(Math.abs(mean - 100)).toBeLessThan(2.5);
    expect(variance).toBeGreaterThan(70);
    expect(variance).toBeLessThan(125);
    expect(new Set(sizes).size).toBeGreaterThan(10);
    // Every example's inclusion rate is about q (400 steps: mean 20 hits).
    const meanHits = hits.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(meanHits - 20)).toBeLessThan(0.5);
  });

  it('an empty Poisson batch still takes a noisy step (noise alone, divided by the expected batch size)', async () => {
    const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 4, options: { hidden: [16] } });
    const w0 = await model.parameters()[0].data();
    const state = { optimizer: new Adam(), noiseRng: new Rng(5) };
    const before = tf.memory().numTensors;
    const r = dpAdamStep(model, train, new Int32Array(0), state, {
      lr: 0.01,
      clip: 1,
      noiseMultiplier: 1,
      expectedBatchSize: 32,
      perExample: 'ghost',
      chunkSize: 128,
    });
    expect((await r.lossSum.data())[0]).toBe(0);
    tf.dispose([r.lossSum, r.clipped]);
    // Adam's first step moves every weight by about lr * sign(gradient): the noise reached every parameter.
    const w1 = await model.parameters()[0].data();
    const moved = w1.map((v, i) => Math.abs(v - w0[i]));
    expect(Math.min(...moved)).toBeGreaterThan(0.005);
    expect(Math.max(...moved)).toBeLessThan(0.0101);
    expect(tf.memory().numTensors).toBe(before + 2 * model.parameters().length); // Adam's m and v
    state.optimizer.dispose();
    model.dispose();
  });

  it('trains: the loss falls with small noise, epsilon comes from the accountant, nothing leaks', async () => {
    const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { hidden: [64] } });
    const accBefore = (await evaluate(model, test)).accuracy;
    const tensors = tf.memory().numTensors;
    const events: number[] = [];
    const r = await trainDpAdam(model, train, {
      epochs: 4,
      batchSize: 60,
      lr: 2e-3,
      clip: 1,
      noiseMultiplier: 0.3,
      delta: 1e-5,
      seed: 2,
      onProgress: (e) => events.push(e.done),
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(r.perExample).toBe('ghost');
    expect(r.samplingRate).toBeCloseTo(0.1, 12);
    expect(r.steps).toBe(4 * 10);
    expect(r.history).toHaveLength(4);
    expect(r.history.at(-1)!.loss).toBeLessThan(r.history[0].loss * 0.8);
    // Poisson batches: about 600 examples drawn per epoch, never exactly the same count every epoch.
    for (const e of r.history) expect(Math.abs(e.examples - 600)).toBeLessThan(100);
    expect(new Set(r.history.map((e) => e.examples)).size).toBeGreaterThan(1);
    // Epsilon: the RDP accountant's for q = 60/600, sigma 0.3, 40 steps, delta 1e-5, and growing per epoch.
    const expected = epsilonOf({ samplingRate: 0.1, noiseMultiplier: 0.3, steps: 40, delta: 1e-5 });
    expect(r.epsilon).toBe(expected.epsilon);
    expect(r.order).toBe(expected.order);
    for (let i = 1; i < 4; i++) expect(r.history[i].epsilon).toBeGreaterThan(r.history[i - 1].epsilon);
    expect(r.history.at(-1)!.epsilon).toBe(r.epsilon);
    expect(events.at(-1)).toBe(40);
    const accAfter = (await evaluate(model, test)).accuracy;
    expect(accAfter).toBeGreaterThan(Math.max(0.5, accBefore + 0.3));
    model.dispose();
  });

  it('one seed gives the same weights; microbatches and the vectorised path train the same model', async () => {
    const small = subsetByIndex(train, Int32Array.from({ length: 120 }, (_, i) => i));
    const weights: Float32Array[] = [];
    for (const perExample of ['ghost', 'ghost', 'microbatch'] as const) {
      const model = createModel('cnn4', {
        inputShape: [28, 28, 1],
        numClasses: 10,
        seed: 3,
        options: { norm: 'none', widths: [4, 8, 8, 8], hidden: 16, dropout: 0 },
      });
      await trainDpAdam(model, small, { epochs: 1, batchSize: 30, lr: 1e-3, clip: 0.5, noiseMultiplier: 1, delta: 1e-3, seed: 9, perExample });
      weights.push((await model.parameters()[0].data()) as Float32Array);
      model.dispose();
    }
    expect(Array.from(weights[1])).toEqual(Array.from(weights[0]));
    const maxDiff = Math.max(...weights[2].map((v, i) => Math.abs(v - weights[0][i])));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('rejects bad options with errors that name the option and the fix', async () => {
    const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, options: { hidden: [4] } });
    const ok = { epochs: 1, batchSize: 60, lr: 1e-3, clip: 1, noiseMultiplier: 1, delta: 1e-5, seed: 0 };
    await expect(trainDpAdam(model, train, { ...ok, batchSize: 601 })).rejects.toThrow(/batchSize \(the expected batch size\) must be an integer in 1..600/);
    await expect(trainDpAdam(model, train, { ...ok, noiseMultiplier: 0 })).rejects.toThrow(/noiseMultiplier must be a finite number > 0 .*noiseForEpsilon/);
    await expect(trainDpAdam(model, train, { ...ok, clip: -1 })).rejects.toThrow(/clip must be a finite number > 0/);
    await expect(trainDpAdam(model, train, { ...ok, delta: 1 })).rejects.toThrow(/delta must be in \(0, 1\)/);
    await expect(trainDpAdam(model, train, { ...ok, epochs: 0 })).rejects.toThrow(/epochs must be an integer >= 1/);
    await expect(trainDpAdam(model, train, { ...ok, perExample: 'vmap' as 'ghost' })).rejects.toThrow(/perExample must be 'auto', 'ghost' or 'microbatch'/);
    await expect(trainDpAdam(model, train, { ...ok, chunkSize: 0 })).rejects.toThrow(/chunkSize must be an integer >= 1/);
    await expect(trainDpAdam(model, subsetByIndex(train, []), ok)).rejects.toThrow(/training set .* is empty/);
    model.dispose();
    const bn = createModel('cnn4', { inputShape: [28, 28, 1], numClasses: 10, options: { widths: [4, 4, 4, 4], hidden: 8 } });
    await expect(trainDpAdam(bn, train, ok)).rejects.toThrow(/BatchNorm .*norm: 'none'/);
    bn.dispose();
    const wrongShape = createModel('mlp', { inputShape: [32, 32, 3], numClasses: 10, options: { hidden: [4] } });
    await expect(trainDpAdam(wrongShape, train, ok)).rejects.toThrow(/takes \[32, 32, 3\] images but .* has \[28, 28, 1\]/);
    wrongShape.dispose();
  });

  it('measures the cost of a DP-Adam step against a plain Adam step and leaves the model as it was', async () => {
    const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { hidden: [16] } });
    const w0 = await model.parameters()[0].data();
    const tensors = tf.memory().numTensors;
    const c = await measureDpStepCost(model, train, { batchSize: 16, repeats: 1 });
    expect(c.plainMs).toBeGreaterThan(0);
    expect(c.dpMs.ghost).toBeGreaterThan(0);
    expect(c.dpMs.microbatch).toBeGreaterThan(0);
    expect(c.ratio.ghost).toBeCloseTo(c.dpMs.ghost! / c.plainMs, 10);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Array.from(await model.parameters()[0].data())).toEqual(Array.from(w0));
    model.dispose();
  });
});

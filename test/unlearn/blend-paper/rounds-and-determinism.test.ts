import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatDatasets, size, subsetByIndex, type Dataset } from '../../../lib/data/dataset';
import { init } from '../../../lib/engine/init';
import { createModel } from '../../../lib/models/registry';
import { fit } from '../../../lib/train/fit';
import { loadFashionMnist } from '../../../lib/data/loaders/fashion-mnist';
import { Rng } from '../../../lib/engine/rng';
import { getUnlearner, runRounds, type UnlearnRound } from '../../../lib/unlearn';
import type { Classifier } from '../../../lib/models/classifier';

// A width-4 ConvNet on 120 Fashion-MNIST images: every method's machinery, not its accuracy.
let model: Classifier;
let train: Dataset;
let testPool: Dataset;

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

/** A reduced retain set: half the real retain images plus blended pairs with synthetic negative ids. */
function reduced(retain: Dataset): Dataset {
  const half = subsetByIndex(retain, range(0, Math.floor(size(retain) / 2)));
  const pairs = subsetByIndex(retain, range(Math.floor(size(retain) / 2), size(retain) - 1));
  const per = pairs.images.length / size(pairs);
  const images = new Float32Array(pairs.images.length);
  for (let i = 0; i < size(pairs); i++) {
    const j = i % 2 === 0 ? i + 1 : i - 1;
    const jj = j < size(pairs) ? j : i;
    for (let p = 0; p < per; p++) images[i * per + p] = 0.5 * (pairs.images[i * per + p] + pairs.images[jj * per + p]);
  }
  const blended: Dataset = { ...pairs, images, ids: Int32Array.from(pairs.ids, (_, i) => -1 - i) };
  return concatDatasets('reduced-retain', [half, blended]);
}

/** Round r forgets the next 10 % of the previous retain set (docs/reference/blend-a-amu.md#a11). */
function rounds(n: number, reduce: boolean): UnlearnRound[] {
  const out: UnlearnRound[] = [];
  let retain = train;
  for (let r = 0; r < n; r++) {
    const k = Math.round(0.1 * size(retain));
    const forget = subsetByIndex(retain, range(0, k));
    retain = subsetByIndex(retain, range(k, size(retain)));
    out.push({ forget, retain: reduce ? reduced(retain) : retain, testPool });
  }
  return out;
}

const SMALL: Record<string, Record<string, unknown>> = {
  retrain: { epochs: 1, batchSize: 40, warmupEpochs: 0, lr: 0.05 },
  cf: { epochs: 1, batchSize: 40, warmupEpochs: 0 },
  distillation: { epochs: 1, batchSize: 40 },
  'bad-teacher': { epochs: 1, batchSize: 40 },
  'l1-sparse': { epochs: 1, batchSize: 40, noL1Epochs: 0 },
  pruning: { epochs: 1, batchSize: 40, pruneEvery: 1 },
  synflow: { epochs: 1, batchSize: 40, pruneIterations: 3 },
  scrub: { epochs: 1, batchSize: 40, warmupEpochs: 0, forgetBatchSize: 16 },
  'a-cf': { batchSize: 40, testSamples: 32, forgetFactor: 1 },
  'a-l1': { batchSize: 40, testSamples: 32, forgetFactor: 1 },
  'a-scrub': { batchSize: 40, testSamples: 32, forgetFactor: 1, forgetBatchSize: 16 },
};

function weights(m: Classifier): number[] {
  return m.parameters().flatMap((p) => Array.from(p.dataSync()));
}

describe('multi-round, reduced retain sets, leaks and determinism', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    const rng = new Rng('rounds');
    const all = loadFashionMnist('train');
    train = subsetByIndex(all, rng.permutation(size(all)).subarray(0, 120));
    const test = loadFashionMnist('test');
    testPool = subsetByIndex(test, rng.fork('t').permutation(size(test)).subarray(0, 200));
    model = createModel('convnet', { inputShape: train.shape, numClasses: 10, seed: 2, options: { width: 4, pooling: 'max' } });
    await fit(model, train, { epochs: 1, batchSize: 40, lr: 0.05, seed: 2 });
  });

  it('every method runs 3 rounds on a reduced retain set (synthetic negative ids), each from its own previous output, without leaking tensors', async () => {
    for (const [name, config] of Object.entries(SMALL)) {
      const before = tf.memory().numTensors;
      const seen: Classifier[] = [];
      const counts: number[] = [];
      const results = await runRounds(getUnlearner(name), model, rounds(3, true), {
        seed: 5,
        config,
        onRoundEnd: (r, res) => {
          seen.push(res.model);
          counts.push(tf.memory().numTensors);
          expect(res.history.length, `${name} round ${r}`).toBe((config.epochs as number | undefined) ?? 1);
          expect(res.timing.seconds).toBeGreaterThan(0);
        },
      });
      // Each round's model is new and the tensor count grows by exactly one model per round.
      expect(new Set(results.map((r) => r.model)).size).toBe(3);
      expect(counts[2] - counts[1], name).toBe(counts[1] - counts[0]);
      results.forEach((r) => r.model.dispose());
      expect(tf.memory().numTensors, `${name} leaked`).toBe(before);
    }
  });

  it('round r continues from round r-1 (not from the original)', async () => {
    const [r0] = await runRounds(getUnlearner('cf'), model, rounds(1, false), { seed: 9, config: SMALL.cf });
    const plan = rounds(2, false);
    const chained = await runRounds(getUnlearner('cf'), model, plan, { seed: 9, config: SMALL.cf });
    // Round 1 run by hand from round 0's output gives the same weights as the chained run.
    const byHand = await getUnlearner('cf').run({ ...plan[1], original: r0.model, config: SMALL.cf, seed: '9/round-1' });
    expect(weights(chained[0].model)).toEqual(weights(r0.model));
    expect(weights(chained[1].model)).toEqual(weights(byHand.model));
    [r0, byHand, ...chained].forEach((r) => r.model.dispose());
  });

  it('the same seed gives bit-identical weights; another seed does not', async () => {
    const [plan] = rounds(1, false);
    for (const name of ['a-cf', 'scrub']) {
      const run = (seed: number) => getUnlearner(name).run({ ...plan, original: model, config: SMALL[name], seed });
      const [a, b, c] = [await run(1), await run(1), await run(2)];
      expect(weights(a.model), name).toEqual(weights(b.model));
      expect(weights(a.model), name).not.toEqual(weights(c.model));
      [a, b, c].forEach((r) => r.model.dispose());
    }
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { init } from '../../lib/engine/init';
import type { Classifier } from '../../lib/models/classifier';
import { cloneModel, createModel } from '../../lib/models/registry';
import { fit } from '../../lib/train/fit';
import { getUnlearner, measuredHealth, runRounds, type UnlearnInputs } from '../../lib/unlearn';
import { lossHealth } from '../../lib/unlearn/framework/health';

/** Issue 22: non-finite inputs are errors, diverged or chance-level runs are flagged, healthy runs are 'ok'. */
let model: Classifier;
let base: Omit<UnlearnInputs, 'config' | 'seed'>;
let test: Dataset;
const take = (ds: Dataset, from: number, n: number) => subsetByIndex(ds, Int32Array.from({ length: n }, (_, i) => from + i));
const where = (ds: Dataset, keep: (y: number) => boolean) => subsetByIndex(ds, Int32Array.from([...ds.labels.keys()].filter((i) => keep(ds.labels[i]))));

beforeAll(async () => {
  await init({ backend: 'wasm', log: false });
  const train = take(loadFashionMnist('train'), 0, 60);
  test = take(loadFashionMnist('test'), 0, 80);
  model = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { width: 4, pooling: 'max' } });
  await fit(model, train, { epochs: 1, batchSize: 20, lr: 0.05, seed: 1 });
  base = { original: model, forget: where(train, (y) => y === 1), retain: where(train, (y) => y !== 1), testPool: take(test, 0, 60), reference: take(test, 60, 20) };
});

describe('divergence guard on unlearning results', () => {
  it('a normal run comes back ok', async () => {
    const r = await getUnlearner('cf').run({ ...base, seed: 1, config: { epochs: 1, batchSize: 16, lr: 0.01 } });
    expect(r.health).toEqual({ status: 'ok', reason: '' });
    r.model.dispose();
  });

  // Seeded, so each outcome is fixed: SGD's loss overflows to NaN (an error), A-CF's Adam and NegGrad's
  // ascent stay finite but far past the bound (flagged). The issue saw 2.7e27 and -6.9e10 reported as normal rows.
  for (const [method, config, expected] of [
    ['cf', { epochs: 3, batchSize: 16, lr: 1e6 }, /^cf: the retain loss became NaN in epoch \d/],
    ['a-cf', { epochs: 3, batchSize: 16, lr: 1e6 }, /^diverged: loss \d\.\d+e\+\d+ in epoch 1: \|loss\| over 100 x ln 10/],
    ['neggrad', { epochs: 3, batchSize: 8, lr: 1e6, stop: 'none' }, /^diverged: loss -\d\.\d+e\+\d+ in epoch \d: \|loss\| over 100 x ln 10/],
  ] as const) {
    it(`${method} at lr 1e6 is flagged 'diverged' or stopped as non-finite, never an ordinary result`, async () => {
      const tensors = tf.memory().numTensors;
      let outcome: string;
      try {
        const r = await getUnlearner(method).run({ ...base, seed: 1, config: { ...config } });
        outcome = `${r.health.status}: ${r.health.reason}`;
        r.model.dispose();
      } catch (e) {
        outcome = (e as Error).message;
      }
      expect(outcome).toMatch(expected);
      expect(tf.memory().numTensors).toBe(tensors);
    });
  }

  it('the loss rules: bound, growth of a minimised loss, and NegGrad-style ascent', () => {
    const h = (losses: number[]) => losses.map((loss, i) => ({ epoch: i + 1, loss, seconds: 0 }));
    expect(lossHealth(h([2.3, 1.2, 0.4]), 10).status).toBe('ok');
    expect(lossHealth(h([2.3, 2.7e27]), 10).reason).toContain('loss 2.70e+27 in epoch 2');
    expect(lossHealth(h([0.01, 0.5, 12]), 10)).toMatchObject({ status: 'diverged', reason: expect.stringContaining('grew from 0.01000') });
    // Ascent: the loss is -CE, falling is its job; only the bound applies.
    expect(lossHealth(h([-0.01, -3, -20]), 10).status).toBe('ok');
    expect(lossHealth(h([-0.01, -6.9e10]), 10).status).toBe('diverged');
  });

  it("a model at chance accuracy is flagged 'chance' by the measured verdict", () => {
    const ok = { status: 'ok' as const, reason: '' };
    expect(measuredHealth(ok, [{ name: 'test accuracy', accuracy: 0.08, set: test }])).toMatchObject({ status: 'chance', reason: expect.stringContaining('test accuracy 8.0% is at chance') });
    expect(measuredHealth(ok, [{ name: 'test accuracy', accuracy: 0.6, set: test }]).status).toBe('ok');
  });
});

describe('non-finite and inconsistent inputs are clear errors', () => {
  it('an original model with one NaN weight is rejected up front by every method, naming the model', async () => {
    const poisoned = cloneModel(model);
    const w = poisoned.parameters().find((p) => p.shape.length === 4)!;
    const values = w.dataSync().slice();
    values[0] = NaN;
    w.assign(tf.tensor(values, w.shape));
    for (const name of ['cf', 'scrub', 'a-cf']) {
      await expect(getUnlearner(name).run({ ...base, original: poisoned, seed: 1 })).rejects.toThrow(
        `${name}: the original model 'convnet' has NaN or infinite weights (parameter ${w.name}). Pass a trained model with finite weights`,
      );
    }
    poisoned.dispose();
  });

  it('duplicated forget ids, and forget ids inside the retain set, are rejected', async () => {
    const twice = subsetByIndex(base.forget, Int32Array.from([0, 1, 0]));
    await expect(getUnlearner('cf').run({ ...base, forget: twice, seed: 1 })).rejects.toThrow(`cf: the forget set lists sample id ${base.forget.ids[0]} more than once.`);
    const overlap = subsetByIndex(base.forget, Int32Array.from([0]));
    const retain = subsetByIndex(base.retain, Int32Array.from([0, 1]));
    const both = { ...retain, ids: Int32Array.from([retain.ids[0], overlap.ids[0]]) };
    await expect(getUnlearner('cf').run({ ...base, forget: overlap, retain: both, seed: 1 })).rejects.toThrow(
      `cf: sample id ${overlap.ids[0]} of ${overlap.name} is in both the forget set and the retain set.`,
    );
  });

  it('a NaN learning rate is named as NaN, and a missing round seed is rejected', async () => {
    await expect(getUnlearner('cf').run({ ...base, seed: 1, config: { lr: NaN } })).rejects.toThrow('cf: config.lr must be a finite number > 0, got NaN.');
    for (const seed of [undefined, null, {}]) {
      await expect(runRounds(getUnlearner('cf'), model, [{ retain: base.retain, forget: base.forget, testPool: base.testPool }], { seed: seed as unknown as number })).rejects.toThrow(
        'runRounds(cf): opts.seed must be a finite number or a string, got',
      );
    }
  });
});

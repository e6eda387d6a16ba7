import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { init } from '../../lib/engine/init';
import type { Classifier } from '../../lib/models/classifier';
import { createModel } from '../../lib/models/registry';
import { accuracy } from '../../lib/train/evaluate';
import { fit } from '../../lib/train/fit';
import { getUnlearner, type UnlearnInputs } from '../../lib/unlearn';

/** inputs.probe: measurements during unlearning, at known steps, that change nothing and cost the method nothing. */
let model: Classifier;
let base: Omit<UnlearnInputs, 'config' | 'seed'>;
const take = (ds: Dataset, from: number, n: number) => subsetByIndex(ds, Int32Array.from({ length: n }, (_, i) => from + i));
const where = (ds: Dataset, keep: (y: number) => boolean) => subsetByIndex(ds, Int32Array.from([...ds.labels.keys()].filter((i) => keep(ds.labels[i]))));

async function weightsOf(m: Classifier): Promise<number[]> {
  return (await Promise.all(m.parameters().map((p) => p.data()))).flatMap((d) => Array.from(d));
}

beforeAll(async () => {
  await init({ backend: 'wasm', log: false });
  const train = take(loadFashionMnist('train'), 0, 80);
  const test = take(loadFashionMnist('test'), 0, 60);
  model = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { width: 4, pooling: 'max' } });
  await fit(model, train, { epochs: 1, batchSize: 20, lr: 0.05, seed: 1 });
  base = { original: model, forget: where(train, (y) => y === 1), retain: where(train, (y) => y !== 1), testPool: test, reference: take(test, 0, 20) };
});

describe('inputs.probe', () => {
  for (const [method, config] of [
    // retain-set framework
    ['cf', { epochs: 2, batchSize: 16, lr: 0.01 }],
    // A-AMU wraps CF's retain steps
    ['a-cf', { batchSize: 16 }],
    // forget-set-only framework
    ['random-label', { epochs: 2, batchSize: 4, lr: 0.01, stop: 'none' }],
  ] as const) {
    it(`${method}: measures at step 0, every k steps and after the last, leaves the weights as without a probe, and keeps its time out of the timing`, async () => {
      const before = tf.memory().numTensors;
      const plain = await getUnlearner(method).run({ ...base, seed: 3, config });
      const seen: Array<{ steps: number; seconds: number; acc: number }> = [];
      const probed = await getUnlearner(method).run({
        ...base,
        seed: 3,
        config,
        probe: {
          everySteps: 3,
          measure: async (m, s, seconds) => {
            // A slow measurement: it must not show in the method's seconds.
            const t = performance.now();
            while (performance.now() - t < 30);
            seen.push({ steps: s, seconds, acc: await accuracy(m, base.forget) });
          },
        },
      });
      expect(await weightsOf(probed.model)).toEqual(await weightsOf(plain.model));
      const total = seen.at(-1)!.steps;
      expect(total).toBeGreaterThan(3);
      const expected = [...Array.from({ length: Math.floor(total / 3) + 1 }, (_, i) => 3 * i), ...(total % 3 === 0 ? [] : [total])];
      expect(seen.map((x) => x.steps)).toEqual(expected);
      for (let i = 1; i < seen.length; i++) expect(seen[i].seconds).toBeGreaterThanOrEqual(seen[i - 1].seconds);
      // 30 ms per measurement is left out: the reported time stays below the run's time plus the probe's.
      const probeSeconds = 0.03 * seen.length;
      expect(probed.timing.seconds).toBeLessThan(plain.timing.seconds + probeSeconds * 0.5 + 0.5);
      expect(seen.at(-1)!.seconds).toBeLessThanOrEqual(probed.timing.seconds + 1e-6);
      // The last measurement is of the returned model.
      expect(seen.at(-1)!.acc).toBe(await accuracy(probed.model, base.forget));
      plain.model.dispose();
      probed.model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a method outside the two frameworks refuses a probe, naming it', async () => {
    await expect(
      getUnlearner('suli').run({ ...base, seed: 1, config: { passes: 1, layerSize: 8 }, probe: { everySteps: 1, measure: async () => undefined } }),
    ).rejects.toThrow(/^suli: inputs\.probe is not supported by this method/);
  });

  it('rejects a bad everySteps', async () => {
    await expect(getUnlearner('cf').run({ ...base, seed: 1, config: { epochs: 1 }, probe: { everySteps: 0, measure: async () => undefined } })).rejects.toThrow(
      /inputs\.probe\.everySteps must be an integer >= 1, got 0/,
    );
  });
});

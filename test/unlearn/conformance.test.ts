import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { init } from '../../lib/engine/init';
import type { Classifier } from '../../lib/models/classifier';
import { createModel } from '../../lib/models/registry';
import { fit } from '../../lib/train/fit';
import { getUnlearner, unlearnerNames, type UnlearnInputs, type UnlearnResult, type Unlearner } from '../../lib/unlearn';
import type { Check } from '../../lib/unlearn/framework/config';
import { defineUnlearner, type DefinedUnlearner } from '../../lib/unlearn/framework/define';
import { declarationProblems, rejectionProblems, weightsHash } from './conformance';

/**
 * Every registered method gets the same checks on a tiny real setup (a width-4 ConvNet trained briefly
 * on 60 Fashion-MNIST images; each method runs with its declared smokeConfig).
 */
const FORGET_CLASS = 1;
let model: Classifier;
let base: Omit<UnlearnInputs, 'config' | 'seed'>;

const take = (ds: Dataset, from: number, n: number) => subsetByIndex(ds, Int32Array.from({ length: n }, (_, i) => from + i));
const where = (ds: Dataset, keep: (y: number) => boolean) => subsetByIndex(ds, Int32Array.from([...ds.labels.keys()].filter((i) => keep(ds.labels[i]))));

beforeAll(async () => {
  await init({ backend: 'wasm', log: false });
  const train = take(loadFashionMnist('train'), 0, 60);
  const test = loadFashionMnist('test');
  model = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { width: 4, pooling: 'max' } });
  await fit(model, train, { epochs: 1, batchSize: 20, lr: 0.05, seed: 1 });
  base = {
    original: model,
    forget: where(train, (y) => y === FORGET_CLASS),
    retain: where(train, (y) => y !== FORGET_CLASS),
    testPool: take(test, 0, 60),
    reference: take(test, 60, 20),
    remembrance: take(test, 80, 20),
  };
});

describe('conformance of every registered unlearning method', () => {
  it('has unique names and a registry that rejects unknown ones with the one wording', () => {
    const names = unlearnerNames();
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(18);
    expect(() => getUnlearner('no-such-method')).toThrow(`Unknown unlearning method 'no-such-method'. Choose one of: ${names.join(', ')}.`);
  });

  for (const name of unlearnerNames()) {
    describe(name, () => {
      const u = getUnlearner(name);

      it('declares a check in the one vocabulary for every config key, and valid defaults, smoke config and modes', () => {
        expect(declarationProblems(u)).toEqual([]);
      });

      it('rejects an unknown key and every bad value of every declared field with the exact message', async () => {
        expect(rejectionProblems(u)).toEqual([]);
        // run() goes through the same resolution before touching anything.
        const [key, check] = Object.entries(u.checks)[0];
        await expect(u.run({ ...base, seed: 1, config: { ...u.smokeConfig, [key]: { bad: true } } })).rejects.toThrow(
          `${name}: config.${key} must be ${check.rule}, got {"bad":true}.`,
        );
      });

      it('leaves the original unchanged, is bit-identical for one seed, leaks no tensor, and reports time and history', async () => {
        const original = weightsHash(model);
        const tensors = tf.memory().numTensors;
        const inputs = { ...base, seed: 7, config: { ...u.smokeConfig } };
        const a = await u.run(inputs);
        const b = await u.run(inputs);
        try {
          expect(weightsHash(model)).toBe(original);
          expect(weightsHash(a.model)).toBe(weightsHash(b.model));
          expect(a.model).not.toBe(model);
          expect(a.config).toEqual(u.resolveConfig(u.smokeConfig));
          expect(a.timing.seconds).toBeGreaterThan(0);
          const phases = Object.values(a.timing.phases);
          expect(phases.length).toBeGreaterThan(0);
          for (const s of phases) expect(s).toBeGreaterThanOrEqual(0);
          expect(phases.reduce((s, x) => s + x, 0)).toBeCloseTo(a.timing.seconds, 9);
          expect(a.history.length).toBeGreaterThan(0);
          a.history.forEach((row, i) => {
            expect(row.epoch).toBe(i + 1);
            expect(typeof row.loss).toBe('number');
            expect(row.seconds).toBeGreaterThanOrEqual(0);
          });
          const same = (r: UnlearnResult) => r.history.map((row) => [row.loss, dropTimes(row.extra)]);
          expect(same(b)).toEqual(same(a));
        } finally {
          a.model.dispose();
          b.model.dispose();
        }
        expect(tf.memory().numTensors).toBe(tensors);
      });
    });
  }
});

/** History numbers that measure time (e.g. pruning's pruneSeconds) differ between runs; everything else must not. */
function dropTimes(x: Record<string, number> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(x ?? {}).filter(([k]) => !/Seconds$/.test(k)));
}

describe('the conformance checks catch a method whose checks were removed', () => {
  const cf = getUnlearner('cf') as DefinedUnlearner<object>;

  it('reports every field of a copy whose checks accept anything', () => {
    const acceptAll = Object.fromEntries(Object.entries(cf.checks).map(([k, c]): [string, Check] => [k, { rule: c.rule, accepts: () => true }]));
    const stripped: Unlearner = defineUnlearner({ ...cf.spec, checks: acceptAll });
    const problems = rejectionProblems(stripped);
    for (const k of Object.keys(cf.defaults)) expect(problems.some((p) => p.includes(`{"${k}":`) && p.includes('no error'))).toBe(true);
    expect(rejectionProblems(cf)).toEqual([]);
  });

  it('reports a copy with no checks at all, and one with a rule outside the shared vocabulary', () => {
    const none: Unlearner = { ...cf, checks: {} };
    expect(declarationProblems(none)).toContain("cf: config key 'epochs' has no check");
    const odd: Unlearner = { ...cf, checks: { ...cf.checks, lr: { rule: 'a sensible learning rate', accepts: () => true } } };
    expect(declarationProblems(odd)).toContain("cf: config.lr has rule 'a sensible learning rate', not one of the shared rules");
  });
});

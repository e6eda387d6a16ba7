import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { remembranceSplit } from '../../lib/data/splits';
import { init } from '../../lib/engine/init';
import type { Classifier } from '../../lib/models/classifier';
import { createModel } from '../../lib/models/registry';
import { splitThreeParts } from '../../lib/models/three-part';
import { fit } from '../../lib/train/fit';
import { getUnlearner, type UnlearnInputs } from '../../lib/unlearn';
import { modularOffline } from '../../lib/unlearn/shared/modular-offline';

/** Every parameter's bytes by name. */
const snapshot = (m: Classifier) => new Map(m.namedParameters().map(([n, v]) => [n, Buffer.from(v.dataSync().buffer.slice(0))]));

/** Names of the parameters of one part of the reference split that differ between two snapshots. */
function changedIn(model: Classifier, part: 'beginning' | 'intermediate' | 'final', before: Map<string, Buffer>, after: Map<string, Buffer>): boolean[] {
  const split = splitThreeParts(model);
  const names = split.part(part).namedParameters().map(([n]) => n);
  return names.map((n) => !before.get(n)!.equals(after.get(n)!));
}

const where = (ds: Dataset, keep: (y: number) => boolean) => subsetByIndex(ds, Int32Array.from([...ds.labels.keys()].filter((i) => keep(ds.labels[i]))));

describe('modular unlearning (2024 paper): online and offline phases', () => {
  let original: Classifier;
  let train: Dataset;
  let base: Omit<UnlearnInputs, 'config' | 'seed'>;
  const modular = getUnlearner('modular');

  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    train = subsetByIndex(loadFashionMnist('train'), Int32Array.from({ length: 200 }, (_, i) => i));
    const test = loadFashionMnist('test');
    const rem = remembranceSplit(test, { ipc: 2, seed: 1 });
    original = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { hidden: [32, 16] } });
    await fit(original, train, { epochs: 2, batchSize: 50, lr: 0.05, seed: 1 });
    base = {
      original,
      forget: where(train, (y) => y === 3),
      retain: where(train, (y) => y !== 3),
      testPool: train,
      remembrance: subsetByIndex(test, Int32Array.from(rem.remembrance)),
    };
  });

  it('trains Beginning and Intermediate; Final only while epoch < S - tau, so never with the reference\'s class-wise tau >= S', async () => {
    const before = snapshot(original);
    const config = { outerEpochs: 2, finalSteps: 3, intermediateEpochs: 1, batchSize: 64 };
    const never = await modular.run({ ...base, seed: 1, config: { ...config, finalThreshold: 5 } });
    const after = snapshot(never.model);
    expect(changedIn(original, 'beginning', before, after).every(Boolean)).toBe(true);
    expect(changedIn(original, 'intermediate', before, after).every(Boolean)).toBe(true);
    expect(changedIn(original, 'final', before, after).some(Boolean)).toBe(false);
    expect(never.history.map((h) => Object.keys(h.extra!).filter((k) => k.endsWith('Loss')))).toEqual([['beginningLoss'], ['beginningLoss'], ['intermediateLoss']]);
    const once = await modular.run({ ...base, seed: 1, config: { ...config, finalThreshold: 1 } });
    expect(changedIn(original, 'final', before, snapshot(once.model)).every(Boolean)).toBe(true);
    expect(once.history.map((h) => 'finalLoss' in h.extra!)).toEqual([true, false, false]);
    // The original is untouched; same seed, same weights.
    expect([...snapshot(original)].every(([n, b]) => b.equals(before.get(n)!))).toBe(true);
    const again = await modular.run({ ...base, seed: 1, config: { ...config, finalThreshold: 1 } });
    expect([...snapshot(again.model)].every(([n, b]) => b.equals(snapshot(once.model).get(n)!))).toBe(true);
    for (const r of [never, once, again]) r.model.dispose();
  });

  it("'retained' keeps the forgotten class's remembrance images away from Final", async () => {
    const config = { outerEpochs: 1, finalSteps: 2, finalThreshold: 0, intermediateEpochs: 0, batchSize: 64 };
    const onlyForgotten = where(base.remembrance!, (y) => y === 3);
    const before = snapshot(original);
    const all = await modular.run({ ...base, remembrance: onlyForgotten, seed: 2, config: { ...config, remembranceClasses: 'all' } });
    const retained = await modular.run({ ...base, remembrance: onlyForgotten, seed: 2, config: { ...config, remembranceClasses: 'retained' } });
    expect(changedIn(original, 'final', before, snapshot(all.model)).every(Boolean)).toBe(true);
    expect(changedIn(original, 'final', before, snapshot(retained.model)).some(Boolean)).toBe(false);
    all.model.dispose();
    retained.model.dispose();
  });

  it('refuses a missing remembrance set, one that overlaps the forget set, and a cut point the model lacks', async () => {
    const config = { outerEpochs: 1, intermediateEpochs: 0 };
    await expect(modular.run({ ...base, remembrance: undefined, seed: 1, config })).rejects.toThrow(
      'modular: the remembrance set is missing. Pass inputs.remembrance (a Dataset).',
    );
    await expect(modular.run({ ...base, remembrance: subsetByIndex(base.forget, Int32Array.from([0, 1])), seed: 1, config })).rejects.toThrow(
      /modular: sample id \d+ of fashion-mnist\/train is in both the forget set and the remembrance set/,
    );
    await expect(modular.run({ ...base, seed: 1, config: { ...config, finalFrom: 'features.9' } })).rejects.toThrow(/option 'finalFrom' must be one of 'features.1', .*got "features.9"/);
    const before = tf.memory().numTensors;
    await expect(modular.run({ ...base, seed: 1, config: { ...config, finalFrom: 'features.9' } })).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('offline phase: trains Final and Intermediate, never Beginning, leaves the original unchanged and leaks nothing', async () => {
    const before = snapshot(original);
    const tensors = tf.memory().numTensors;
    const off = await modularOffline(original, train, base.remembrance!, { seed: 1, iterations: 2, finalEpochs: 2, intermediateEpochs: 1, batchSize: 64, finalBatchSize: 8 });
    const after = snapshot(off.model);
    expect(changedIn(original, 'beginning', before, after).some(Boolean)).toBe(false);
    expect(changedIn(original, 'intermediate', before, after).every(Boolean)).toBe(true);
    expect(changedIn(original, 'final', before, after).every(Boolean)).toBe(true);
    expect(off.rounds.map((r) => r.round)).toEqual([1, 2]);
    expect(off.rounds.every((r) => Number.isFinite(r.finalLoss) && Number.isFinite(r.intermediateLoss))).toBe(true);
    expect([...snapshot(original)].every(([n, b]) => b.equals(before.get(n)!))).toBe(true);
    off.model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    await expect(modularOffline(original, train, base.remembrance!, { seed: 1, iterations: -1 })).rejects.toThrow('modularOffline: iterations must be an integer >= 0, got -1.');
    await expect(modularOffline(original, train, base.remembrance!, { seed: 1, finalLr: 0 })).rejects.toThrow('modularOffline: finalLr must be a finite number > 0, got 0.');
  });
});

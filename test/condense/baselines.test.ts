import { beforeAll, describe, expect, it } from 'vitest';
import { distributionMatching } from '../../lib/condense/dm';
import { evaluateCondensedSet } from '../../lib/condense/evaluate-condensed';
import { fastDistributionMatching } from '../../lib/condense/fast-dm';
import { improvedDistributionMatching } from '../../lib/condense/idm';
import { partitionDataset } from '../../lib/condense/partition';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { expectNoLeak } from '../../lib/engine/leaks';
import { init } from '../../lib/engine/init';
import { createModel } from '../../lib/models/registry';
import { smallTrain, TINY_EXTRACTOR } from './fixture';

describe('condensation baselines and the evaluation protocol', () => {
  let ds: Dataset;
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    ds = smallTrain(200);
  });

  it('DM and simplified IDM move the synthetic images, keep labels, and leak nothing', async () => {
    const dm = await expectNoLeak('dm', () =>
      distributionMatching(ds, { ipc: 2, seed: 1, iterations: 3, lr: 1, realBatchPerClass: 8, extractorSpec: TINY_EXTRACTOR }),
    );
    expect(dm.dataset.labels.length).toBe(20);
    expect(Array.from(dm.dataset.labels.slice(0, 4))).toEqual([0, 0, 1, 1]);
    expect(Array.from(dm.dataset.ids).every((id) => id < 0)).toBe(true);
    expect(dm.lossHistory.every(Number.isFinite)).toBe(true);
    const still = await distributionMatching(ds, { ipc: 2, seed: 1, iterations: 0, extractorSpec: TINY_EXTRACTOR });
    let moved = 0;
    dm.dataset.images.forEach((v, i) => (moved += Math.abs(v - still.dataset.images[i])));
    expect(moved).toBeGreaterThan(0);
    const again = await distributionMatching(ds, { ipc: 2, seed: 1, iterations: 3, lr: 1, realBatchPerClass: 8, extractorSpec: TINY_EXTRACTOR });
    expect(Array.from(again.dataset.images)).toEqual(Array.from(dm.dataset.images));
    const idm = await expectNoLeak('idm', () =>
      improvedDistributionMatching(ds, { ipc: 1, seed: 2, iterations: 2, realBatchPerClass: 8, extractorSpec: TINY_EXTRACTOR }),
    );
    expect(idm.method).toBe('idm');
    expect(idm.lossHistory.length).toBe(2);
    await expect(distributionMatching(ds, { ipc: 25, seed: 1, iterations: 1 })).rejects.toThrow(/fewer than ipc = 25/);
  });

  it('fast DM lowers its feature loss on a given model\'s features', async () => {
    const model = createModel('convnet', { inputShape: ds.shape, numClasses: 10, seed: 4, options: { width: 8 } });
    const p = await partitionDataset(ds, { k: 2, seed: 1, featureModel: model });
    const out = await expectNoLeak('fast-dm', () => fastDistributionMatching(ds, p.clusters.slice(0, 6), { featureModel: model, iterations: 15, lr: 1e-2 }));
    expect(out.lossHistory[14]).toBeLessThan(out.lossHistory[0]);
    expect(out.provenance.size).toBe(6);
    model.dispose();
  });

  it('fast DM gives every cluster the reference\'s own Adam run, however many chunks it is split into', async () => {
    // The reference optimises each cluster alone for `iterations` Adam steps. A shared step counter
    // across chunks (the bug this guards) gave a cluster up to chunks x iterations bias-correction steps.
    const model = createModel('convnet', { inputShape: ds.shape, numClasses: 10, seed: 4, options: { width: 8 } });
    const p = await partitionDataset(ds, { k: 2, seed: 1, featureModel: model });
    const clusters = p.clusters.slice(0, 12);
    const o = { featureModel: model, iterations: 6, lr: 1e-2 };
    const oneChunk = await fastDistributionMatching(ds, clusters, { ...o, chunkClusters: 64 });
    const twelveChunks = await fastDistributionMatching(ds, clusters, { ...o, chunkClusters: 1 });
    const alone = await fastDistributionMatching(ds, clusters.slice(11), o);
    const per = 28 * 28;
    let diff = 0;
    let diffAlone = 0;
    let moved = 0;
    const still = await fastDistributionMatching(ds, clusters, { ...o, iterations: 0 });
    oneChunk.dataset.images.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - twelveChunks.dataset.images[i]));
      moved = Math.max(moved, Math.abs(v - still.dataset.images[i]));
    });
    alone.dataset.images.forEach((v, i) => (diffAlone = Math.max(diffAlone, Math.abs(v - oneChunk.dataset.images[11 * per + i]))));
    expect(moved).toBeGreaterThan(1e-3); // the steps do move the images, so equality below is not trivial
    expect(diff).toBeLessThan(1e-5);
    expect(diffAlone).toBeLessThan(1e-5);
    model.dispose();
  });

  it('the evaluation protocol trains a fresh ConvNet on a condensed set and reports test accuracy', async () => {
    const test = subsetByIndex(loadFashionMnist('test'), Int32Array.from({ length: 300 }, (_, i) => i));
    const dm = await distributionMatching(ds, { ipc: 5, seed: 1, iterations: 0, extractorSpec: TINY_EXTRACTOR });
    const ev = await evaluateCondensedSet(dm.dataset, test, { seed: 1, modelOptions: { width: 8 }, epochs: 30, lr: 0.05, trackBest: true });
    expect(ev.trainSize).toBe(50);
    expect(ev.testAccuracy).toBeGreaterThan(0.3); // 50 real images are far better than chance (0.1)
    expect(ev.bestTestAccuracy!).toBeGreaterThanOrEqual(ev.testAccuracy);
    await expect(evaluateCondensedSet({ ...dm.dataset, labels: new Int32Array(0) }, test, { seed: 1 })).rejects.toThrow(/condensed set is empty/);
  });
});

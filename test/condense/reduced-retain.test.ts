import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { blend, blendLearningRate } from '../../lib/condense/blend';
import { collectionProtocol, fSample } from '../../lib/condense/f-sampling';
import { MultiRoundReducer } from '../../lib/condense/multi-round';
import { partitionDataset, type Partition } from '../../lib/condense/partition';
import { collectReducedRetainSet, reduceRetainSet, type ReducedRetainSet } from '../../lib/condense/reduced-retain';
import { fastDistributionMatching } from '../../lib/condense/fast-dm';
import { createModel } from '../../lib/models/registry';
import { clusterOfSyntheticId, isSyntheticId } from '../../lib/condense/synthetic-ids';
import type { Dataset } from '../../lib/data/dataset';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import { smallTrain, TINY_EXTRACTOR } from './fixture';

/** The invariants of a reduced retain set for a given forget set. */
function checkReduced(ds: Dataset, partition: Partition, forget: Set<number>, r: ReducedRetainSet): void {
  const labelOf = new Map<number, number>();
  ds.ids.forEach((id, i) => labelOf.set(id, ds.labels[i]));
  const raw = new Set<number>();
  const represented = new Map<number, number>(); // retain id -> times it is behind a blended image
  r.dataset.ids.forEach((id, i) => {
    if (isSyntheticId(id)) {
      const members = r.provenance.get(id)!;
      expect(members.length).toBeGreaterThan(0);
      const cluster = partition.clusters.find((c) => c.id === clusterOfSyntheticId(id))!;
      expect(Array.from(members)).toEqual(Array.from(cluster.memberIds));
      for (const m of members) {
        expect(forget.has(m)).toBe(false);
        expect(labelOf.get(m)).toBe(r.dataset.labels[i]);
        represented.set(m, (represented.get(m) ?? 0) + 1);
      }
    } else {
      expect(forget.has(id)).toBe(false);
      expect(raw.has(id)).toBe(false);
      expect(r.dataset.labels[i]).toBe(labelOf.get(id));
      raw.add(id);
    }
  });
  expect(new Set(r.dataset.ids).size).toBe(r.dataset.ids.length);
  for (const id of ds.ids) {
    if (forget.has(id)) continue;
    const times = (raw.has(id) ? 1 : 0) + (represented.get(id) ?? 0);
    expect(times).toBe(1);
  }
  expect(r.ratio).toBeCloseTo(r.dataset.labels.length / (ds.ids.length - forget.size), 10);
}

describe('F-sampling, Blend and the reduced retain set', () => {
  let ds: Dataset;
  let partition: Partition;
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    ds = smallTrain(200);
    partition = await partitionDataset(ds, { k: 4, seed: 3, extractor: TINY_EXTRACTOR });
  });

  it('splits clusters into free and residual ones (collection protocol = F-sampling)', () => {
    const forget = new Rng(4).sample(ds.ids, 20);
    const s = fSample(partition, forget);
    const f = new Set(forget);
    for (const c of s.freeClusters) for (const id of c.memberIds) expect(f.has(id)).toBe(false);
    for (const c of s.residualClusters) expect(Array.from(c.memberIds).some((id) => f.has(id))).toBe(true);
    expect(s.freeClusters.length + s.residualClusters.length).toBe(40);
    expect(s.retainCount).toBe(180);
    expect(collectionProtocol(partition, forget)).toEqual(s);
    expect(() => fSample(partition, [999999])).toThrow(/forget id 999999 is not in the partitioned training set/);
  });

  it('keeps no forget id and represents every retain id exactly once; same seed, same images', async () => {
    const forget = new Rng(9).sample(ds.ids, 20);
    const r1 = await reduceRetainSet(ds, partition, forget, { seed: 5, extractorSpec: TINY_EXTRACTOR });
    checkReduced(ds, partition, new Set(forget), r1);
    expect(r1.blendedCount).toBeGreaterThan(0);
    expect(r1.residualCount).toBeGreaterThan(0);
    expect(r1.ratio).toBeLessThan(1);
    expect(Object.keys(r1.timing)).toEqual(['sampling', 'condensation']);
    const r2 = await reduceRetainSet(ds, partition, forget, { seed: 5, extractorSpec: TINY_EXTRACTOR });
    expect(Array.from(r2.dataset.images)).toEqual(Array.from(r1.dataset.images));
    // One-class forgetting: only the other classes' blended images remain.
    const cls = Array.from(ds.ids).filter((_, i) => ds.labels[i] === 2);
    const r3 = await reduceRetainSet(ds, partition, cls, { seed: 5, extractorSpec: TINY_EXTRACTOR });
    checkReduced(ds, partition, new Set(cls), r3);
    expect(r3.residualCount).toBe(0);
    expect(r3.blendedCount).toBe(36);
  });

  it('the 2024 order: every cluster condensed up front (fast DM), a request collects residual raw images + untouched clusters\' images', async () => {
    const model = createModel('convnet', { inputShape: ds.shape, numClasses: 10, seed: 4, options: { width: 8 } });
    const condensed = await fastDistributionMatching(ds, partition.clusters, { featureModel: model, iterations: 2 });
    model.dispose();
    const forget = new Rng(11).sample(ds.ids, 20);
    const r = await collectReducedRetainSet(ds, partition, forget, condensed);
    checkReduced(ds, partition, new Set(forget), r);
    expect(Object.keys(r.timing)).toEqual(['sampling']);
    const per = 28 * 28;
    const at = new Map(Array.from(condensed.dataset.ids, (id, i) => [id, i] as const));
    r.dataset.ids.forEach((id, i) => {
      if (id >= 0) return;
      const j = at.get(id)!;
      expect(Array.from(r.dataset.images.subarray(i * per, i * per + 5))).toEqual(Array.from(condensed.dataset.images.subarray(j * per, j * per + 5)));
    });
    const partial = { ...condensed, dataset: { ...condensed.dataset, ids: condensed.dataset.ids.map((id) => id - 1000) } };
    await expect(collectReducedRetainSet(ds, partition, forget, partial)).rejects.toThrow(/cluster \d+ has no image in the condensed set .*; condense every cluster of the partition first/);
  });

  it('rejects an empty forget set and one that covers the whole training set (no ratio of 0.2 or NaN)', async () => {
    const o = { seed: 5, extractorSpec: TINY_EXTRACTOR };
    await expect(reduceRetainSet(ds, partition, [], o)).rejects.toThrow(/reduceRetainSet: the forget set is empty/);
    await expect(reduceRetainSet(ds, partition, ds.ids, o)).rejects.toThrow(/the forget set covers all 200 training samples of .*, so there is no retain set to reduce/);
  });

  it('blends with sum-normalised weights that lower the feature-matching loss', async () => {
    const clusters = partition.clusters.slice(0, 12);
    expect(blendLearningRate(10)).toBeCloseTo(0.1656, 3);
    expect(blendLearningRate(1000)).toBeCloseTo(9998.7, 0);
    // Without the 1/M factor and with a large lr the loss must fall visibly within 12 iterations.
    const out = await blend(ds, clusters, { seed: 1, lr: 2, iterations: 12, averageOverClusters: false, extractorSpec: TINY_EXTRACTOR, chunkClusters: 5 });
    expect(out.lossHistory.length).toBe(12);
    expect(out.lossHistory[11]).toBeLessThan(out.lossHistory[0]);
    expect(out.dataset.labels.length).toBe(12);
    // Zero iterations: each image is the plain mean of its members (weights 1/n).
    const mean = await blend(ds, clusters.slice(0, 1), { seed: 1, lr: 1, iterations: 0, extractorSpec: TINY_EXTRACTOR });
    const members = clusters[0].memberIds;
    const per = 28 * 28;
    const pos = Array.from(members, (id) => Array.from(ds.ids).indexOf(id));
    for (const p of [0, 100, 400]) {
      const expected = pos.reduce((s, q) => s + ds.images[q * per + p], 0) / pos.length;
      expect(mean.dataset.images[p]).toBeCloseTo(expected, 4);
    }
    await expect(blend(ds, [], { seed: 1, ipc: 4 })).rejects.toThrow(/no clusters to condense/);
    await expect(blend(ds, clusters, { seed: 1 })).rejects.toThrow(/give ipc/);
  });

  it('multi-round: partitions once, reduces for the cumulative forget set, no tensor leak across rounds', async () => {
    const reducer = await MultiRoundReducer.create(ds, { seed: 2, partition: { k: 4, extractor: TINY_EXTRACTOR }, blend: { extractorSpec: TINY_EXTRACTOR } });
    const order = new Rng(6).permutation(200);
    const forgotten = new Set<number>();
    const counts: number[] = [];
    for (let r = 0; r < 3; r++) {
      const fresh = Array.from(order.subarray(r * 10, (r + 1) * 10), (i) => ds.ids[i]);
      fresh.forEach((id) => forgotten.add(id));
      const res = await reducer.next(fresh);
      counts.push(tf.memory().numTensors);
      expect(res.round).toBe(r);
      expect(res.forgetCount).toBe(forgotten.size);
      checkReduced(ds, reducer.partition, forgotten, res);
      expect('kmeans' in res.timing).toBe(r === 0);
    }
    expect(counts[2]).toBe(counts[0]);
    expect(counts[1]).toBe(counts[0]);
    await expect(reducer.next([ds.ids[order[0]]])).rejects.toThrow(/already forgotten/);
    await expect(reducer.next([])).rejects.toThrow(/no forget ids/);
    await expect(reducer.next([123456789])).rejects.toThrow(/not in the partitioned training set/);
  });
});

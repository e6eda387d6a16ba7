import { beforeAll, describe, expect, it } from 'vitest';
import { kmeans } from '../../lib/condense/kmeans';
import { partitionDataset } from '../../lib/condense/partition';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import { createModel } from '../../lib/models/registry';
import { smallTrain, TINY_EXTRACTOR } from './fixture';

describe('k-means and the per-class partition', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('recovers well separated blobs and never leaves a cluster empty', async () => {
    const rng = new Rng(5);
    const d = 4;
    const centres = [0, 10, 20];
    const n = 60;
    const x = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = centres[i % 3] + 0.1 * rng.normal();
    const r = await kmeans(x, n, d, { k: 3, rng: new Rng(1) });
    expect(r.converged).toBe(true);
    for (let i = 3; i < n; i++) expect(r.assignments[i]).toBe(r.assignments[i % 3]);
    expect(new Set(r.assignments).size).toBe(3);
    // k = n: every row its own cluster, even with duplicated rows.
    const dup = new Float32Array(5 * d).fill(1);
    const r2 = await kmeans(dup, 5, d, { k: 5, rng: new Rng(2) });
    expect(new Set(r2.assignments).size).toBe(5);
  });

  it('rejects bad input with clear errors', async () => {
    await expect(kmeans(new Float32Array(0), 0, 4, { k: 1, rng: new Rng(1) })).rejects.toThrow(/data is empty/);
    await expect(kmeans(new Float32Array(8), 2, 4, { k: 3, rng: new Rng(1) })).rejects.toThrow(/k = 3 is larger than the 2 rows/);
    const ds = smallTrain(100);
    await expect(partitionDataset(ds, { k: 50, seed: 1, extractor: TINY_EXTRACTOR })).rejects.toThrow(/fewer than k = 50 clusters/);
    await expect(partitionDataset({ ...ds, images: new Float32Array(0), labels: new Int32Array(0), ids: new Int32Array(0) }, { k: 2, seed: 1 })).rejects.toThrow(/is empty/);
  });

  it('puts every sample in exactly one cluster of its class, deterministically per seed', async () => {
    const ds = smallTrain(200);
    const p1 = await partitionDataset(ds, { k: 4, seed: 7, extractor: TINY_EXTRACTOR });
    const p2 = await partitionDataset(ds, { k: 4, seed: 7, extractor: TINY_EXTRACTOR });
    const p3 = await partitionDataset(ds, { k: 4, seed: 8, extractor: TINY_EXTRACTOR });
    expect(p1.clusters.length).toBe(40);
    const seen = new Map<number, number>();
    const labelOf = new Map<number, number>();
    ds.ids.forEach((id, i) => labelOf.set(id, ds.labels[i]));
    for (const c of p1.clusters) {
      expect(c.memberIds.length).toBeGreaterThan(0);
      expect(Math.floor(c.id / 4)).toBe(c.label);
      for (const id of c.memberIds) {
        expect(seen.has(id)).toBe(false);
        seen.set(id, c.id);
        expect(labelOf.get(id)).toBe(c.label);
      }
    }
    expect(seen.size).toBe(200);
    expect(p2.clusters.map((c) => Array.from(c.memberIds))).toEqual(p1.clusters.map((c) => Array.from(c.memberIds)));
    expect(p3.clusters.map((c) => Array.from(c.memberIds))).not.toEqual(p1.clusters.map((c) => Array.from(c.memberIds)));
  });

  it('can cluster on a given (pretrained) model\'s features', async () => {
    const ds = smallTrain(100);
    const model = createModel('mlp', { inputShape: ds.shape, numClasses: 10, seed: 3 });
    const p = await partitionDataset(ds, { k: 2, seed: 1, featureModel: model });
    expect(p.featureSource).toMatch(/given mlp/);
    expect(p.clusterOf.size).toBe(100);
    // The caller's model is not disposed by the partition.
    expect(model.parameters()[0].isDisposed).toBe(false);
    model.dispose();
  });
});

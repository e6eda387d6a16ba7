import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelInversionCondensation } from '../../lib/condense/model-inversion';
import { partitionDataset, type Cluster } from '../../lib/condense/partition';
import { syntheticId } from '../../lib/condense/synthetic-ids';
import type { Dataset } from '../../lib/data/dataset';
import { init } from '../../lib/engine/init';
import { expectNoLeak } from '../../lib/engine/leaks';
import { createModel } from '../../lib/models/registry';
import type { Classifier } from '../../lib/models/classifier';
import { fit } from '../../lib/train/fit';
import { smallTrain } from './fixture';

describe('model-inversion condensation (InverterNet)', () => {
  let ds: Dataset;
  let model: Classifier;
  let clusters: Cluster[];
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    ds = smallTrain(200);
    model = createModel('mlp', { inputShape: ds.shape, numClasses: 10, seed: 1, options: { hidden: [32] } });
    await fit(model, ds, { epochs: 3, batchSize: 50, lr: 1e-2, optimizer: { kind: 'adam' }, seed: 1, onProgress: () => undefined, task: 'pretrain' });
    clusters = (await partitionDataset(ds, { k: 2, seed: 1, featureModel: model })).clusters.filter((c) => c.memberIds.length > 0);
  });

  it('lite: the loss falls, one image per cluster with its class, synthetic id and members, seeded, no leaks', async () => {
    const o = { seed: 3, classifier: model, epochs: 8, batchSize: 50, lr: 1e-2, inverterHidden: [32, 64] };
    const out = await expectNoLeak('mi-lite', () => modelInversionCondensation(ds, clusters, o));
    expect(out.method).toBe('model-inversion');
    expect(out.lossHistory.length).toBe(8);
    expect(out.lossHistory[7]).toBeLessThan(out.lossHistory[0] * 0.8);
    expect(out.dataset.labels.length).toBe(clusters.length);
    expect(out.dataset.images.length).toBe(clusters.length * 28 * 28);
    expect(Array.from(out.dataset.labels)).toEqual(clusters.map((c) => c.label));
    expect(Array.from(out.dataset.ids)).toEqual(clusters.map((c) => syntheticId(c.id)));
    expect(Array.from(out.provenance.get(syntheticId(clusters[0].id))!)).toEqual(Array.from(clusters[0].memberIds));
    expect(out.dataset.images.every(Number.isFinite)).toBe(true);
    // Distinct clusters get distinct images.
    const per = 28 * 28;
    let diff = 0;
    for (let i = 0; i < per; i++) diff += Math.abs(out.dataset.images[i] - out.dataset.images[per + i]);
    expect(diff).toBeGreaterThan(0);
    const again = await modelInversionCondensation(ds, clusters, o);
    expect(Array.from(again.dataset.images)).toEqual(Array.from(out.dataset.images));
  });

  it('lite images move towards their cluster means as the MSE term trains', async () => {
    const posOf = new Map(Array.from(ds.ids, (id, i) => [id, i] as [number, number]));
    const per = 28 * 28;
    const meanGap = (images: Float32Array) => {
      let gap = 0;
      clusters.forEach((c, j) => {
        const mean = new Float32Array(per);
        for (const id of c.memberIds) for (let q = 0; q < per; q++) mean[q] += ds.images[posOf.get(id)! * per + q] / c.memberIds.length;
        for (let q = 0; q < per; q++) gap += (images[j * per + q] - mean[q]) ** 2;
      });
      return gap / clusters.length;
    };
    const o = { seed: 4, classifier: model, batchSize: 50, lr: 1e-3, inverterHidden: [32, 64] };
    const early = await modelInversionCondensation(ds, clusters, { ...o, epochs: 1 });
    const late = await modelInversionCondensation(ds, clusters, { ...o, epochs: 12 });
    expect(meanGap(late.dataset.images)).toBeLessThan(meanGap(early.dataset.images));
  });

  it('bulky: trains the bucket model, then the inverter through it; loss falls and nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const out = await expectNoLeak('mi-bulky', () =>
      modelInversionCondensation(ds, clusters, { seed: 5, variant: 'bulky', epochs: 6, batchSize: 50, bucketEpochs: 3, bucketBatchSize: 50, inverterHidden: [32], bucketHidden: [32] }),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(out.method).toBe('model-inversion-bulky');
    expect(out.lossHistory[5]).toBeLessThan(out.lossHistory[0]);
    expect(out.dataset.labels.length).toBe(clusters.length);
  });

  it('rejects bad options with errors that say what to change', async () => {
    await expect(modelInversionCondensation(ds, clusters, { seed: 1 })).rejects.toThrow(/needs the pretrained classifier/);
    await expect(modelInversionCondensation(ds, [], { seed: 1, classifier: model })).rejects.toThrow(/no clusters to condense/);
    await expect(modelInversionCondensation(ds, clusters, { seed: 1, classifier: model, epochs: -1 })).rejects.toThrow(/epochs must be an integer >= 0/);
    await expect(modelInversionCondensation(ds, clusters, { seed: 1, classifier: model, lr: 0 })).rejects.toThrow(/lr must be a positive number/);
    await expect(modelInversionCondensation(ds, clusters, { seed: 1, classifier: model, inverterHidden: [0] })).rejects.toThrow(/inverterHidden must be a list/);
    await expect(modelInversionCondensation(ds, clusters, { seed: 1, variant: 'huge' as never })).rejects.toThrow(/variant must be 'lite' or 'bulky'/);
    const wrong = createModel('mlp', { inputShape: ds.shape, numClasses: 5, seed: 1, options: { hidden: [8] } });
    await expect(modelInversionCondensation(ds, clusters, { seed: 1, classifier: wrong })).rejects.toThrow(/has 5 classes, the dataset 10/);
    wrong.dispose();
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import { PRETRAIN_PRESETS, pretrain, type PretrainPresetName } from '../../lib/experiments/pretrain';
import { loadCheckpoint, readCheckpointHeader } from '../../lib/models/checkpoint';
import { modelNames } from '../../lib/models/registry';
import { evaluate } from '../../lib/train/evaluate';

describe('pretraining presets', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('the paper presets carry the specs\' recipes', () => {
    const r18 = PRETRAIN_PRESETS['gpu-paper-blend-resnet18-cifar10'];
    expect(r18).toMatchObject({ dataset: 'cifar10', model: 'resnet18', modelOptions: { norm: 'instance' }, epochs: 200, batchSize: 64, lr: 0.1 });
    expect(r18.optimizer).toEqual({ kind: 'sgd', momentum: 0.9, weightDecay: 5e-4 });
    expect(r18.schedule).toEqual({ kind: 'cosine', warmup: 10 });
    expect(r18.keepBest).toBe('test-accuracy');
    expect(PRETRAIN_PRESETS['gpu-paper']).toEqual(r18);
    const suli = PRETRAIN_PRESETS['gpu-paper-suli-resnet18-cifar10'];
    expect(suli).toMatchObject({ model: 'resnet18', modelOptions: { norm: 'batch', stem: 'cifar' }, epochs: 40, batchSize: 256, lr: 0.1 });
    expect(suli.optimizer).toEqual({ kind: 'sgd', momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
    expect(PRETRAIN_PRESETS['gpu-paper-dcu-resnet18-cifar10']).toMatchObject({ epochs: 3, batchSize: 256, lr: 1e-3, optimizer: { kind: 'adam' } });
    expect(PRETRAIN_PRESETS['gpu-paper-dcu-vgg16-svhn']).toMatchObject({ dataset: 'svhn', model: 'vgg16', epochs: 30 });
    for (const [name, p] of Object.entries(PRETRAIN_PRESETS)) {
      expect(modelNames(), name).toContain(p.model);
      expect(p.source.length, name).toBeGreaterThan(10);
    }
  });

  it('loads other datasets through the loader registry (a CIFAR-10 fixture in the binary format)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-cifar-'));
    const rng = new Rng('fixture');
    // 8 records per file: a label byte, then 3072 pixel bytes; class k has brightness about 25 * k.
    const records = (n: number) =>
      Buffer.concat(
        Array.from({ length: n }, (_, i) => {
          const r = Buffer.alloc(3073);
          r[0] = i % 10;
          for (let j = 1; j < 3073; j++) r[j] = Math.min(255, (i % 10) * 25 + rng.int(20));
          return r;
        }),
      );
    for (let b = 1; b <= 5; b++) fs.writeFileSync(path.join(dir, `data_batch_${b}.bin`), records(8));
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), records(10));
    const before = tf.memory().numTensors;
    const r = await pretrain({ preset: 'gpu-paper-dcu-mlp-cifar10', dataDir: dir, expectCount: false, overrides: { epochs: 2, batchSize: 8, modelOptions: { hidden: [16] } } });
    expect(r.train.shape).toEqual([32, 32, 3]);
    expect(r.train.labels.length).toBe(40);
    expect(r.test.labels.length).toBe(10);
    expect(r.history.epochs).toHaveLength(2);
    expect(r.model.spec).toMatchObject({ arch: 'mlp', inputShape: [32, 32, 3], numClasses: 10 });
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(pretrain({ preset: 'gpu-paper', dataDir: path.join(dir, 'missing') })).rejects.toThrow(/cifar10: .*missing/);
    await expect(pretrain({ preset: 'nope' as PretrainPresetName })).rejects.toThrow(/Unknown pretrain preset 'nope'/);
    fs.rmSync(dir, { recursive: true });
  });

  it('smoke preset: learns, keeps the best test epoch, saves a checkpoint that reloads with the same accuracy', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pretrain-test-'));
    const file = path.join(dir, 'smoke.ckpt');
    const before = tf.memory().numTensors;
    const r = await pretrain({ preset: 'smoke', seed: 1, checkpoint: file, overrides: { epochs: 3, trainLimit: 600, testLimit: 300, keepBest: 'test-accuracy' } });
    const accs = r.history.epochs.map((e) => e.validationAccuracy!);
    expect(accs).toHaveLength(3);
    expect(r.keptEpoch).toBe(accs.indexOf(Math.max(...accs)) + 1);
    expect(r.testAccuracy).toBeCloseTo(Math.max(...accs), 10);
    expect(r.testAccuracy).toBeGreaterThan(0.5);
    expect(readCheckpointHeader(file).meta).toMatchObject({ preset: 'smoke', seed: 1, keptEpoch: r.keptEpoch });
    const loaded = loadCheckpoint(file);
    expect((await evaluate(loaded, r.test)).accuracy).toBe(r.testAccuracy);
    loaded.dispose();
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    fs.rmSync(dir, { recursive: true });
  }, 60_000);
});

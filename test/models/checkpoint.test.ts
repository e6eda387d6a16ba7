import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import type { Classifier } from '../../lib/models/classifier';
import { loadCheckpoint, loadCheckpointInto, readCheckpointHeader, saveCheckpoint } from '../../lib/models/checkpoint';
import { createModel } from '../../lib/models/registry';
import { createOptimizer } from '../../lib/train/optimizers';
import { trainStep } from '../../lib/train/step';

let dir: string;

/** Every parameter and buffer as raw 32-bit patterns, by name. */
function bits(m: Classifier): Map<string, number[]> {
  return new Map([...m.namedParameters(), ...m.namedBuffers()].map(([n, v]) => [n, Array.from(new Uint32Array((v.dataSync() as Float32Array).slice().buffer))]));
}

function trained(arch: string, options: Record<string, unknown>, shape: [number, number, number]): Classifier {
  const m = createModel(arch, { inputShape: shape, numClasses: 3, seed: 'ckpt', options });
  const rng = new Rng('ckpt-data');
  const opt = createOptimizer({ kind: 'sgd', momentum: 0.9 });
  const x = tf.tensor4d(rng.normalArray(4 * shape[0] * shape[1] * shape[2]), [4, ...shape]);
  const y = tf.tensor1d([0, 1, 2, 1], 'int32');
  // Two steps make the batch-norm running statistics differ from their initial 0 / 1.
  for (let i = 0; i < 2; i++) trainStep(m, opt, x, y, 0.05).dispose();
  tf.dispose([x, y]);
  opt.dispose();
  return m;
}

describe('checkpoints', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckpt-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, Record<string, unknown>, [number, number, number]]> = [
    ['convnet', { width: 6, depth: 2, norm: 'batch', pooling: 'max' }, [8, 8, 1]],
    ['resnet18', { width: 4 }, [8, 8, 3]],
    ['cnn4', { widths: [4, 4, 4, 4], hidden: 8 }, [16, 16, 3]],
    ['mlp', { hidden: [7] }, [4, 4, 2]],
  ];
  for (const [arch, options, shape] of cases) {
    it(`${arch}: bit-exact round trip of every parameter and buffer, spec and meta`, async () => {
      const m = trained(arch, options, shape);
      const file = path.join(dir, 'sub', `${arch}.ckpt`);
      await saveCheckpoint(m, file, { epoch: 3, note: 'test' });
      const before = tf.memory().numTensors;
      const loaded = loadCheckpoint(file);
      expect(loaded.spec).toEqual(m.spec);
      expect(bits(loaded)).toEqual(bits(m));
      const x = tf.tensor4d(new Rng('x').normalArray(2 * shape[0] * shape[1] * shape[2]), [2, ...shape]);
      const [a, b] = tf.tidy(() => [m.predict(x).dataSync(), loaded.predict(x).dataSync()]);
      expect(Array.from(b)).toEqual(Array.from(a));
      x.dispose();
      expect(readCheckpointHeader(file).meta).toEqual({ epoch: 3, note: 'test' });
      loaded.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // Nothing but the checkpoint is left in the directory (the temporary file was renamed).
      expect(fs.readdirSync(path.dirname(file))).toEqual([`${arch}.ckpt`]);
      fs.rmSync(path.dirname(file), { recursive: true });
      m.dispose();
    });
  }

  it('includes the batch-norm running statistics, changed by training', async () => {
    const m = trained('convnet', { width: 6, depth: 2, norm: 'batch' }, [8, 8, 1]);
    const file = path.join(dir, 'bn.ckpt');
    await saveCheckpoint(m, file);
    const h = readCheckpointHeader(file);
    expect(h.tensors.filter((t) => t.kind === 'buffer').map((t) => t.name)).toEqual([
      'features.1.running_mean',
      'features.1.running_var',
      'features.5.running_mean',
      'features.5.running_var',
    ]);
    const loaded = loadCheckpoint(file);
    const rv = loaded.namedBuffers().find(([n]) => n === 'features.1.running_var')![1].dataSync();
    expect(Array.from(rv).some((v) => v !== 1)).toBe(true);
    loaded.dispose();
    m.dispose();
  });

  it('overwrites atomically and gives clear errors on bad files', async () => {
    const m = createModel('convnet', { inputShape: [8, 8, 1], numClasses: 3, options: { width: 4, depth: 1 } });
    const file = path.join(dir, 'm.ckpt');
    await saveCheckpoint(m, file);
    await saveCheckpoint(m, file, { again: true });
    expect(readCheckpointHeader(file).meta).toEqual({ again: true });
    const good = fs.readFileSync(file);
    const before = tf.memory().numTensors;
    const write = (b: Buffer) => {
      const f = path.join(dir, 'bad.ckpt');
      fs.writeFileSync(f, b);
      return f;
    };
    expect(() => loadCheckpoint(path.join(dir, 'missing.ckpt'))).toThrow(/missing\.ckpt does not exist/);
    expect(() => loadCheckpoint(write(good.subarray(0, good.length - 10)))).toThrow(/truncated \(payload/);
    expect(() => loadCheckpoint(write(good.subarray(0, 30)))).toThrow(/truncated inside its header/);
    expect(() => loadCheckpoint(write(good.subarray(0, 5)))).toThrow(/truncated \(5 bytes\)/);
    expect(() => loadCheckpoint(write(Buffer.concat([good, Buffer.from([1, 2, 3, 4])])))).toThrow(/4 unexpected bytes/);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] ^= 0x40;
    expect(() => loadCheckpoint(write(flipped))).toThrow(/checksum does not match/);
    const magic = Buffer.from(good);
    magic.write('PK', 0, 'ascii');
    expect(() => loadCheckpoint(write(magic))).toThrow(/not an unlearn-lab checkpoint/);
    const json = Buffer.from(good);
    json[12] = '!'.charCodeAt(0);
    expect(() => loadCheckpoint(write(json))).toThrow(/JSON header does not parse/);
    const arch = Buffer.from(good.toString('latin1').replace('"arch":"convnet"', '"arch":"convnot"'), 'latin1');
    expect(() => loadCheckpoint(write(arch))).toThrow(/cannot be rebuilt: Unknown model 'convnot'/);
    const other = createModel('convnet', { inputShape: [8, 8, 1], numClasses: 3, options: { width: 5, depth: 1 } });
    expect(() => loadCheckpointInto(other, file)).toThrow(/does not match the model's architecture .*'features\.0\.weight' has shape \[3, 3, 1, 4\] in the file but \[3, 3, 1, 5\]/);
    const deeper = createModel('convnet', { inputShape: [8, 8, 1], numClasses: 3, options: { width: 4, depth: 2 } });
    expect(() => loadCheckpointInto(deeper, file)).toThrow(/stored tensors/);
    tf.dispose([other, deeper].flatMap((x) => x.parameters()));
    expect(tf.memory().numTensors).toBe(before);
    await expect(saveCheckpoint(m, path.join(dir, 'x.ckpt'), { n: BigInt(1) })).rejects.toThrow(/not JSON-serialisable/);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp') || f === 'x.ckpt')).toEqual([]);
    m.dispose();
  });
});

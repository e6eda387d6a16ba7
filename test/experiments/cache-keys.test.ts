import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEBIAN_FASHION_MNIST_DIR } from '../../lib/data/loaders/fashion-mnist';
import { BLEND_PAPER_SETTINGS } from '../../lib/experiments/shared/presets';
import {
  dataFingerprint,
  disposeScenario,
  modelCacheDir,
  originalKeyParts,
  prepareScenario,
  trainingCodeVersion,
  type ScenarioOptions,
} from '../../lib/experiments/shared/scenario';
import { loadDataset } from '../../lib/data';
import { subsetByIndex } from '../../lib/data/dataset';

// Issue 22 finding 2: the original-model cache key ignored the data, the code version and the backend,
// and a corrupt cache entry blocked every rerun.
const smoke = BLEND_PAPER_SETTINGS.smoke;
const recipe = { ...smoke.recipe, epochs: 1 };

/** A copy of Fashion-MNIST whose training labels are shifted by one class (same files otherwise). */
function relabelledCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-relabelled-'));
  for (const f of ['train-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
    fs.copyFileSync(path.join(DEBIAN_FASHION_MNIST_DIR, f), path.join(dir, f));
  }
  const labels = zlib.gunzipSync(fs.readFileSync(path.join(DEBIAN_FASHION_MNIST_DIR, 'train-labels-idx1-ubyte.gz')));
  for (let i = 8; i < labels.length; i++) labels[i] = (labels[i] + 1) % 10;
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), labels);
  return dir;
}

async function scenario(o: Partial<ScenarioOptions> & { cacheDir: string }) {
  const s = await prepareScenario({ data: smoke.data, recipe, request: { kind: 'class', classes: [0] }, seed: 0, ...o });
  const r = { source: s.originalSource, accuracy: s.originalTestAccuracy };
  disposeScenario(s);
  return r;
}

describe('the original-model cache key', () => {
  it('covers the data: relabelled training files (FASHION_MNIST_DIR pointing at another copy) train a new model', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-cache-keys-'));
    const first = await scenario({ cacheDir });
    expect(first.source).toBe('trained');
    expect((await scenario({ cacheDir })).source).toBe('cache');
    process.env.FASHION_MNIST_DIR = relabelledCopy();
    let relabelled: Awaited<ReturnType<typeof scenario>>;
    try {
      relabelled = await scenario({ cacheDir });
    } finally {
      delete process.env.FASHION_MNIST_DIR;
    }
    expect(relabelled.source).toBe('trained');
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.ckpt'))).toHaveLength(2);
  });

  it('changes with the labels, the ids, the recipe, the seed and the backend; names the code version', () => {
    const ds = subsetByIndex(loadDataset('fashion-mnist', 'test'), Int32Array.from({ length: 50 }, (_, i) => i));
    const base = JSON.stringify(originalKeyParts(ds, recipe, 0, 'wasm'));
    const relabelled = { ...ds, labels: ds.labels.map((y) => (y + 1) % 10) };
    const renumbered = { ...ds, ids: ds.ids.map((i) => i + 1) };
    expect(dataFingerprint(relabelled)).not.toBe(dataFingerprint(ds));
    expect(dataFingerprint(renumbered)).not.toBe(dataFingerprint(ds));
    for (const other of [
      originalKeyParts(relabelled, recipe, 0, 'wasm'),
      originalKeyParts(ds, { ...recipe, lr: 0.01 }, 0, 'wasm'),
      originalKeyParts(ds, recipe, 1, 'wasm'),
      originalKeyParts(ds, recipe, 0, 'cpu'),
    ]) {
      expect(JSON.stringify(other)).not.toBe(base);
    }
    expect(originalKeyParts(ds, recipe, 0, 'wasm').code).toBe(trainingCodeVersion());
    expect(trainingCodeVersion()).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
  });

  it('a corrupt cache entry is set aside (*.corrupt-<time>) with a notice, and the model is trained and cached again', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-cache-corrupt-'));
    const first = await scenario({ cacheDir });
    const [file] = fs.readdirSync(cacheDir);
    fs.writeFileSync(path.join(cacheDir, file), 'not a checkpoint');
    const notices: string[] = [];
    const again = await scenario({ cacheDir, log: (l) => notices.push(l) });
    expect(again.source).toBe('trained');
    expect(again.accuracy).toBe(first.accuracy);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`cached original model .*${file} is unreadable .*set it aside as .*${file}\\.corrupt-.* and training it again`));
    const names = fs.readdirSync(cacheDir).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toBe(file);
    expect(names[1]).toMatch(new RegExp(`^${file}\\.corrupt-\\d{4}-`));
    expect(fs.readFileSync(path.join(cacheDir, names[1]), 'utf8')).toBe('not a checkpoint');
    expect((await scenario({ cacheDir })).source).toBe('cache');
  });

  it('an empty UNLEARN_CACHE is an error naming it, not the working directory', () => {
    const saved = process.env.UNLEARN_CACHE;
    process.env.UNLEARN_CACHE = '';
    try {
      expect(() => modelCacheDir()).toThrow('UNLEARN_CACHE is empty. Give it a folder path, or leave it unset to use the default.');
    } finally {
      if (saved === undefined) delete process.env.UNLEARN_CACHE;
      else process.env.UNLEARN_CACHE = saved;
    }
  });
});

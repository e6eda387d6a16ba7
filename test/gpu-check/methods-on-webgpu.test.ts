import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { init } from '../../lib/engine/init';
import type { Classifier } from '../../lib/models/classifier';
import { loadCheckpoint, saveCheckpoint } from '../../lib/models/checkpoint';
import { createModel } from '../../lib/models/registry';
import { fit } from '../../lib/train/fit';
import { getUnlearner, unlearnerNames, type UnlearnInputs } from '../../lib/unlearn';

/**
 * Every registered unlearning method once on the webgpu backend (Dawn on Mesa's software Vulkan driver,
 * lavapipe, allowed by UNLEARN_WEBGPU_SOFTWARE=1), on the conformance setup: a width-4 ConvNet trained
 * briefly on 60 Fashion-MNIST images, each method with its smokeConfig. webgpu in Node has no
 * synchronous read, so any dataSync/arraySync left on a method's path fails here. Each method also runs
 * on wasm from the same original weights and seed; the webgpu run must leak nothing, keep its weights
 * finite, and match wasm: the same number of epochs, the same exactly-zero (pruned) weights, weights and
 * epoch losses within a loose relative tolerance (other kernels, so float32 rounding differs; Adam
 * fine-tuning after SynFlow pruning amplifies it to ~1e-3 of the largest weight).
 * Slow suite (npm run test:slow; .ci/run installs lavapipe first with tools/gpu/software-vulkan.sh).
 */

const TOLERANCE = 1e-2;
const FORGET_CLASS = 1;


const take = (ds: Dataset, from: number, n: number) => subsetByIndex(ds, Int32Array.from({ length: n }, (_, i) => from + i));
const where = (ds: Dataset, keep: (y: number) => boolean) => subsetByIndex(ds, Int32Array.from([...ds.labels.keys()].filter((i) => keep(ds.labels[i]))));

/** Every parameter and buffer, read asynchronously (webgpu has no dataSync in Node). */
async function weightsOf(m: Classifier): Promise<Float32Array[]> {
  const all = [...m.namedParameters(), ...m.namedBuffers()].map(([, v]) => v);
  return (await Promise.all(all.map((v) => v.data()))) as Float32Array[];
}

/** Largest |b - a| over every weight, relative to the largest |a|. */
function relativeDifference(a: Float32Array[], b: Float32Array[]): number {
  let scale = 0;
  let diff = 0;
  a.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) {
      scale = Math.max(scale, Math.abs(w[j]));
      diff = Math.max(diff, Math.abs(w[j] - b[i][j]));
    }
  });
  return diff / Math.max(scale, 1e-12);
}

interface Run {
  weights: Float32Array[];
  /** Each epoch's loss, in history order. */
  losses: number[];
  seconds: number;
}

/** Runs one method on the active backend from `original` (seed 7, its smokeConfig), reads the result and frees it. */
async function runOn(name: string, inputs: Omit<UnlearnInputs, 'config' | 'seed'>): Promise<Run> {
  const u = getUnlearner(name);
  const t0 = performance.now();
  const r = await u.run({ ...inputs, seed: 7, config: { ...u.smokeConfig } });
  try {
    return { weights: await weightsOf(r.model), losses: r.history.map((h) => h.loss), seconds: (performance.now() - t0) / 1000 };
  } finally {
    r.model.dispose();
  }
}

let dir: string;
let sets: Omit<UnlearnInputs, 'config' | 'seed' | 'original'>;
let onWasm: Classifier;
let onGpu: Classifier;
let adapter = '';
const results = new Map<string, { wasm: Run; gpu: Run; leaked: number }>();
const report: string[] = [];

beforeAll(async () => {
  process.env.UNLEARN_WEBGPU_SOFTWARE = '1';
  await init({ backend: 'wasm', log: false });
  const train = take(loadFashionMnist('train'), 0, 60);
  const test = loadFashionMnist('test');
  onWasm = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { width: 4, pooling: 'max' } });
  await fit(onWasm, train, { epochs: 1, batchSize: 20, lr: 0.05, seed: 1 });
  sets = {
    forget: where(train, (y) => y === FORGET_CLASS),
    retain: where(train, (y) => y !== FORGET_CLASS),
    testPool: take(test, 0, 60),
    reference: take(test, 60, 20),
    remembrance: take(test, 80, 20),
  };
  // The same original on webgpu, its tensors living there (wasm cannot read a webgpu tensor synchronously,
  // and a wasm tensor used by a webgpu kernel would be moved): through a checkpoint.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'methods-on-webgpu-'));
  const file = path.join(dir, 'original.ckpt');
  await saveCheckpoint(onWasm, file);
  const engine = await init({ backend: 'webgpu', log: false });
  expect(engine.backend).toBe('webgpu');
  adapter = engine.detail;
  onGpu = loadCheckpoint(file);
  expect(relativeDifference(await weightsOf(onWasm), await weightsOf(onGpu))).toBe(0);
}, 300_000);

afterAll(async () => {
  if (report.length) console.log(`every method on webgpu (${adapter}) vs wasm:\n${report.join('\n')}`);
  await tf.setBackend('webgpu');
  onGpu?.dispose();
  await tf.setBackend('wasm');
  onWasm?.dispose();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('every unlearning method on the webgpu backend (software Vulkan) against wasm', () => {
  for (const name of unlearnerNames()) {
    describe(name, () => {
      it('completes on webgpu, leaks no tensor, keeps finite weights, and ends with the weights of the wasm run', async () => {
        await tf.setBackend('wasm');
        const wasm = await runOn(name, { ...sets, original: onWasm });
        await tf.setBackend('webgpu');
        const before = tf.memory().numTensors;
        const gpu = await runOn(name, { ...sets, original: onGpu });
        const leaked = tf.memory().numTensors - before;
        results.set(name, { wasm, gpu, leaked });
        const diff = relativeDifference(wasm.weights, gpu.weights);
        let zeroMismatch = 0;
        wasm.weights.forEach((w, i) => w.forEach((v, j) => (zeroMismatch += (v === 0) !== (gpu.weights[i][j] === 0) ? 1 : 0)));
        report.push(
          `  ${name.padEnd(16)} webgpu ${gpu.seconds.toFixed(1).padStart(5)} s, wasm ${wasm.seconds.toFixed(1).padStart(5)} s, epochs ${gpu.losses.length}/${wasm.losses.length}, ` +
            `max |dw| / max |w| ${diff.toExponential(2)}, losses ${gpu.losses.map((l) => l.toFixed(4)).join(' ')} (wasm ${wasm.losses.map((l) => l.toFixed(4)).join(' ')}), leaked ${leaked}`,
        );
        expect(leaked).toBe(0);
        expect(gpu.weights.every((w) => w.every(Number.isFinite))).toBe(true);
        expect(gpu.losses.length).toBe(wasm.losses.length);
        expect(zeroMismatch).toBe(0);
        expect(diff).toBeLessThanOrEqual(TOLERANCE);
      });

      // L1-sparse and A-L1 sum 14 parameters with tf.addN: this holds only with lib/engine/webgpu-kernels.ts's chunked AddN.
      it('reports the epoch losses of the wasm run', () => {
        const r = results.get(name);
        if (r == null) throw new Error(`${name} did not complete on both backends (see the test above)`);
        const lossDiff = Math.max(0, ...r.wasm.losses.map((l, i) => Math.abs(r.gpu.losses[i] - l) / Math.max(Math.abs(l), 1e-12)));
        expect(lossDiff).toBeLessThanOrEqual(TOLERANCE);
      });
    });
  }
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  gmLoops,
  gradientDistance,
  gradientMatching,
  matchedWeights,
  sequentialLayers,
  weightGradients,
} from '../../lib/condense/gm';
import type { Dataset } from '../../lib/data/dataset';
import { init } from '../../lib/engine/init';
import { expectNoLeak } from '../../lib/engine/leaks';
import { createModel } from '../../lib/models/registry';
import { crossEntropy } from '../../lib/train/losses';
import { smallTrain, TINY_EXTRACTOR } from './fixture';

describe('gradient matching (GM/DSA)', () => {
  let ds: Dataset;
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    ds = smallTrain(200);
  });

  it('the explicit backward gives the autodiff weight gradients (convnet avg/max pool, mlp) and is differentiable in x', () => {
    const cases = [
      { arch: 'convnet', options: { width: 6, depth: 2 } },
      { arch: 'convnet', options: { width: 5, depth: 2, pooling: 'max', norm: 'none' } },
      { arch: 'mlp', options: { hidden: [16, 8] } },
    ];
    for (const spec of cases) {
      const net = createModel(spec.arch, { inputShape: [28, 28, 1], numClasses: 10, seed: 3, options: spec.options });
      const layers = sequentialLayers(net);
      const weights = matchedWeights(layers);
      tf.tidy(() => {
        const x = tf.randomNormal([4, 28, 28, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
        const y = tf.tensor1d([0, 3, 3, 9], 'int32');
        const { grads } = tf.variableGrads(() => crossEntropy(net.forward(x, true), y), weights);
        const manual = weightGradients(layers, x, y);
        expect(manual.length).toBe(weights.length);
        weights.forEach((w, i) => {
          const auto = tf.reshape(grads[w.name], [-1, w.shape[w.shape.length - 1]]);
          const err = tf.max(tf.abs(tf.sub(auto, manual[i]))).dataSync()[0];
          const scale = tf.max(tf.abs(auto)).dataSync()[0];
          expect(err).toBeLessThan(1e-4 * Math.max(scale, 1e-3));
        });
        // Second order: d/dx of a matching distance exists and is finite and non-zero.
        const target = manual.map((g) => tf.randomNormal(g.shape, 0, 1, 'float32', 1) as tf.Tensor2D);
        const dx = tf.grad((t: tf.Tensor) => gradientDistance(target, weightGradients(layers, t as tf.Tensor4D, y)))(x);
        const v = dx.dataSync();
        expect(v.every(Number.isFinite)).toBe(true);
        expect(tf.max(tf.abs(dx)).dataSync()[0]).toBeGreaterThan(0);
      });
      net.dispose();
    }
  });

  it('GM lowers the matching loss on a fixed net, keeps labels and negative ids, is seeded and leaks nothing', async () => {
    const net = createModel('convnet', { inputShape: ds.shape, numClasses: 10, seed: 5, options: { width: 8, depth: 2 } });
    const opts = { ipc: 1, seed: 1, iterations: 4, lr: 0.1, realBatchPerClass: 32, dsa: [], initialNet: net };
    const gm = await expectNoLeak('gm', () => gradientMatching(ds, opts));
    expect(gm.method).toBe('gm');
    expect(gm.lossHistory.length).toBe(4);
    expect(gm.lossHistory[3]).toBeLessThan(0.9 * gm.lossHistory[0]);
    expect(gm.dataset.labels.length).toBe(10);
    expect(Array.from(gm.dataset.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(gm.dataset.ids).size).toBe(10);
    expect(Array.from(gm.dataset.ids).every((id) => id < 0)).toBe(true);
    expect(gm.dataset.images.length).toBe(10 * 28 * 28);
    const again = await gradientMatching(ds, opts);
    expect(Array.from(again.dataset.images)).toEqual(Array.from(gm.dataset.images));
    net.dispose();
  });

  it('runs the full loop (fresh nets, DSA with scale/rotate, outer/inner loops) without leaking', async () => {
    const before = tf.memory().numTensors;
    const out = await expectNoLeak('gm-loops', () =>
      gradientMatching(ds, { ipc: 2, seed: 2, iterations: 2, outerLoop: 2, innerLoop: 2, realBatchPerClass: 8, netSpec: TINY_EXTRACTOR }),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(out.lossHistory.length).toBe(2);
    expect(out.lossHistory.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    const start = await gradientMatching(ds, { ipc: 2, seed: 2, iterations: 0, outerLoop: 2, innerLoop: 2, netSpec: TINY_EXTRACTOR });
    let moved = 0;
    out.dataset.images.forEach((v, i) => (moved += Math.abs(v - start.dataset.images[i])));
    expect(moved).toBeGreaterThan(0);
  });

  it('rejects bad options with errors that say what to change', async () => {
    expect(gmLoops(1)).toEqual({ outerLoop: 1, innerLoop: 1 });
    expect(gmLoops(10)).toEqual({ outerLoop: 10, innerLoop: 50 });
    await expect(gradientMatching(ds, { ipc: 7, seed: 1, iterations: 1 })).rejects.toThrow(/no reference loop settings for ipc = 7; pass outerLoop and innerLoop/);
    await expect(gradientMatching(ds, { ipc: 1, seed: 1, lr: -1 })).rejects.toThrow(/lr must be a positive number/);
    await expect(gradientMatching(ds, { ipc: 0, seed: 1 })).rejects.toThrow(/ipc must be an integer >= 1/);
    await expect(gradientMatching(ds, { ipc: 1, seed: 1, iterations: 1, dsa: ['zoom' as never] })).rejects.toThrow(/unknown DSA transform/);
    await expect(gradientMatching(ds, { ipc: 1, seed: 1, iterations: 1, netSpec: { arch: 'convnet', options: { width: 4, norm: 'batch' } } })).rejects.toThrow(
      /BatchNorm.*not supported/,
    );
    await expect(gradientMatching(ds, { ipc: 30, seed: 1, iterations: 1 })).rejects.toThrow(/fewer than ipc = 30/);
  });
});

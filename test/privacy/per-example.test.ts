import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { tidyRead } from '../../lib/engine/read';
import { Rng } from '../../lib/engine/rng';
import { Classifier } from '../../lib/models/classifier';
import { Conv2d, Flatten, Linear, ReLU } from '../../lib/models/nn/layers';
import { Sequential } from '../../lib/models/nn/module';
import { createModel } from '../../lib/models/registry';
import { crossEntropy } from '../../lib/train/losses';
import {
  choosePerExampleMethod,
  clippedGradientSum,
  disposeClippedSum,
  im2col,
  type ClippedSum,
  type ClippedSumOptions,
} from '../../lib/privacy/per-example';

/** max |a - b| / max |b| over every parameter's sum, and max |norm difference|. */
async function compare(a: ClippedSum, b: ClippedSum): Promise<{ sums: number; norms: number }> {
  let sums = 0;
  for (let k = 0; k < a.sums.length; k++) {
    const [d, m] = await tidyRead(() => [tf.max(tf.abs(tf.sub(a.sums[k], b.sums[k]))), tf.max(tf.abs(b.sums[k]))]);
    sums = Math.max(sums, d[0] / Math.max(m[0], 1e-12));
  }
  const [na, nb] = await Promise.all([a.norms.data(), b.norms.data()]);
  const norms = Math.max(...Array.from(na, (v, i) => Math.abs(v - nb[i]) / Math.max(nb[i], 1e-12)));
  return { sums, norms };
}

function run(model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, o: ClippedSumOptions): ClippedSum {
  return clippedGradientSum(model, x, y, o);
}

/** A conv net with stride-2 'same', 'valid' and numeric padding, to cover every geometry the ghost path handles. */
function oddConvNet(): Classifier {
  const rng = new Rng(4);
  return new Classifier(
    { arch: 'odd-conv', inputShape: [9, 9, 2], numClasses: 3, options: {}, seed: 0 },
    new Sequential([
      new Conv2d(rng.fork('a'), 2, 16, 3, 2, 'same'),
      new ReLU(),
      new Conv2d(rng.fork('b'), 16, 4, 3, 2, 'valid'),
      new ReLU(),
      new Conv2d(rng.fork('c'), 4, 5, 2, 1, 1, false),
      new ReLU(),
      new Flatten(),
    ]),
    new Linear(rng.fork('d'), 5 * 3 * 3, 3),
    45,
  );
}

describe('per-example clipped gradient sums', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('im2col patches times the flattened weight equal the convolution', async () => {
    const x = tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    for (const [k, stride, padding] of [
      [3, 1, 'same'],
      [3, 2, 'same'],
      [3, 1, 'valid'],
      [2, 2, 'valid'],
      [3, 1, 1],
      [3, 2, 1],
    ] as const) {
      const w = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const diff = tf.tidy(() => {
        const pad = typeof padding === 'number' ? ([[0, 0], [padding, padding], [padding, padding], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]) : padding;
        const conv = tf.conv2d(x, w, stride, pad);
        const p = im2col(x, k, stride, padding);
        expect(p.shape.slice(0, 3)).toEqual(conv.shape.slice(0, 3));
        const viaPatches = tf.reshape(tf.matMul(tf.reshape(p, [-1, k * k * 3]), tf.reshape(w, [k * k * 3, 4])), conv.shape);
        return tf.max(tf.abs(tf.sub(viaPatches, conv)));
      });
      expect((await diff.data())[0]).toBeLessThan(1e-4);
      tf.dispose([w, diff]);
    }
    x.dispose();
  });

  it("the vectorised ('ghost') sums equal one-example-at-a-time ('microbatch') on mlp, cnn4 and strided convs, in every conv mode", async () => {
    const models: Array<[Classifier, [number, number, number, number]]> = [
      [createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { hidden: [32, 16] } }), [6, 28, 28, 1]],
      // widths [4, 16, 8, 8] on 28x28: layer 1 takes 'batched' (cin 1), layer 3 'depthwise' (cin 16), layer 4 'ghost' (3x3 output).
      [createModel('cnn4', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { norm: 'none', dropout: 0, widths: [4, 16, 8, 8], hidden: 16 } }), [6, 28, 28, 1]],
      [oddConvNet(), [6, 9, 9, 2]],
    ];
    for (const [model, shape] of models) {
      expect(choosePerExampleMethod(model)).toBe('ghost');
      const x = tf.randomNormal(shape, 0, 1, 'float32', 3) as tf.Tensor4D;
      const y = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
      // clip 0.5 sits inside the range of the norms: some examples are clipped, some are not.
      const ref = run(model, x, y, { clip: 0.5, method: 'microbatch' });
      const norms = await ref.norms.data();
      expect(Math.min(...norms)).toBeGreaterThan(0);
      for (const convMode of ['auto', 'ghost', 'depthwise', 'batched'] as const) {
        const before = tf.memory().numTensors;
        const got = run(model, x, y, { clip: 0.5, method: 'ghost', convMode });
        const d = await compare(got, ref);
        expect(d.norms, `${model.spec.arch} ${convMode} norms`).toBeLessThan(1e-4);
        expect(d.sums, `${model.spec.arch} ${convMode} sums`).toBeLessThan(1e-4);
        expect(Math.abs((await got.lossSum.data())[0] - (await ref.lossSum.data())[0])).toBeLessThan(1e-4);
        disposeClippedSum(got);
        expect(tf.memory().numTensors, `${model.spec.arch} ${convMode} leak`).toBe(before);
      }
      disposeClippedSum(ref);
      tf.dispose([x, y]);
      model.dispose();
    }
  });

  it('with a clip above every norm, the sum is the gradient of the summed loss', async () => {
    const model = createModel('cnn4', { inputShape: [28, 28, 1], numClasses: 10, seed: 2, options: { norm: 'none', dropout: 0, widths: [4, 8, 8, 8], hidden: 16 } });
    const x = tf.randomNormal([5, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.tensor1d([3, 1, 4, 1, 5], 'int32');
    const params = model.parameters();
    const plain = tf.tidy(() => {
      // crossEntropy is the batch mean: times n for the sum.
      const { grads } = tf.variableGrads(() => tf.mul(crossEntropy(model.forward(x, true), y), 5) as tf.Scalar, params);
      return params.map((p) => grads[p.name]);
    });
    const got = run(model, x, y, { clip: 1e6, method: 'ghost' });
    const d = await compare(got, { sums: plain, norms: got.norms, lossSum: got.lossSum });
    expect(d.sums).toBeLessThan(1e-4);
    disposeClippedSum(got);
    tf.dispose([...plain, x, y]);
    model.dispose();
  });

  it('bounds every per-example contribution by the clip: one huge-gradient example moves the sum by at most clip', async () => {
    const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 3, options: { hidden: [32] } });
    const clip = 0.25;
    const rest = tf.randomNormal([7, 28, 28, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
    // Pixels 1000x larger than usual: its raw gradient norm is in the thousands.
    const huge = tf.mul(tf.randomNormal([1, 28, 28, 1], 0, 1, 'float32', 8), 1000) as tf.Tensor4D;
    const withHuge = tf.concat([rest, huge]) as tf.Tensor4D;
    const yRest = tf.tensor1d([0, 1, 2, 3, 4, 5, 6], 'int32');
    const yAll = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 9], 'int32');
    for (const method of ['ghost', 'microbatch'] as const) {
      const a = run(model, withHuge, yAll, { clip, method });
      const b = run(model, rest, yRest, { clip, method });
      const norms = await a.norms.data();
      expect(norms[7]).toBeGreaterThan(1000 * clip);
      // The sensitivity DP needs: ||S(D + x) - S(D)|| <= clip (float32 slack 1e-4 relative).
      const moved = tf.tidy(() => tf.sqrt(tf.addN(a.sums.map((s, k) => tf.sum(tf.square(tf.sub(s, b.sums[k])))))));
      const m = (await moved.data())[0];
      expect(m, method).toBeLessThanOrEqual(clip * (1 + 1e-4));
      expect(m, method).toBeGreaterThan(clip * 0.999); // the huge example is clipped to exactly the bound
      // And every example's own contribution is at most clip: the whole sum is within n * clip.
      const total = tf.tidy(() => tf.sqrt(tf.addN(a.sums.map((s) => tf.sum(tf.square(s))))));
      expect((await total.data())[0]).toBeLessThanOrEqual(8 * clip * (1 + 1e-4));
      tf.dispose([moved, total]);
      disposeClippedSum(a);
      disposeClippedSum(b);
    }
    tf.dispose([rest, huge, withHuge, yRest, yAll]);
    model.dispose();
  });

  it('restores the layers, leaks nothing and handles an empty batch', async () => {
    const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { hidden: [8] } });
    const x = tf.zeros([3, 28, 28, 1]) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 2], 'int32');
    const before = tf.memory().numTensors;
    disposeClippedSum(run(model, x, y, { clip: 1, method: 'ghost' }));
    disposeClippedSum(run(model, x, y, { clip: 1, method: 'microbatch' }));
    expect(tf.memory().numTensors).toBe(before);
    // No wrapper left on any layer instance.
    for (const [, m] of model.namedModules()) expect(Object.prototype.hasOwnProperty.call(m, 'forward')).toBe(false);
    const empty = run(model, tf.zeros([0, 28, 28, 1]) as tf.Tensor4D, tf.tensor1d([], 'int32'), { clip: 1 });
    expect(empty.sums.map((s) => s.shape)).toEqual(model.parameters().map((p) => p.shape));
    expect((await empty.lossSum.data())[0]).toBe(0);
    disposeClippedSum(empty);
    // A layer shared by two places (weight sharing) would be counted twice in the per-example norm: refused up
    // front by both methods, before any tensor is made.
    const rng = new Rng(1);
    const shared = new Linear(rng.fork('s'), 8, 8);
    const twice = new Classifier(
      { arch: 'shared', inputShape: [28, 28, 1], numClasses: 10, options: {}, seed: 0 },
      new Sequential([new Flatten(), new Linear(rng.fork('a'), 784, 8), new ReLU(), shared, new ReLU(), shared]),
      new Linear(rng.fork('h'), 8, 10),
      8,
    );
    const beforeThrow = tf.memory().numTensors;
    for (const method of ['ghost', 'microbatch'] as const) {
      expect(() => run(twice, x, y, { clip: 1, method })).toThrow(/shares parameter '.*' between two places/);
    }
    expect(tf.memory().numTensors).toBe(beforeThrow);
    for (const [, m] of twice.namedModules()) expect(Object.prototype.hasOwnProperty.call(m, 'forward')).toBe(false);
    twice.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });

  it('refuses BatchNorm, falls back to microbatches for other layers, and names bad options', () => {
    const bn = createModel('cnn4', { inputShape: [28, 28, 1], numClasses: 10, options: { widths: [4, 4, 4, 4], hidden: 8 } });
    const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1], 'int32');
    expect(() => run(bn, x, y, { clip: 1 })).toThrow(/has BatchNorm .*mixes the examples.*norm: 'none'/);
    bn.dispose();
    const inorm = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, options: { width: 4, depth: 1 } });
    expect(choosePerExampleMethod(inorm)).toBe('microbatch');
    expect(() => run(inorm, x, y, { clip: 1, method: 'ghost' })).toThrow(/'ghost' cannot run on convnet: layer .* \(InstanceNorm\) has parameters/);
    disposeClippedSum(run(inorm, x, y, { clip: 1 }));
    inorm.dispose();
    const mlp = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, options: { hidden: [4] } });
    expect(() => run(mlp, x, y, { clip: 0 })).toThrow(/clip must be a finite number > 0/);
    expect(() => run(mlp, x, y, { clip: 1, method: 'vmap' as 'ghost' })).toThrow(/perExample must be 'auto', 'ghost' or 'microbatch'/);
    expect(() => run(mlp, x, tf.tensor1d([0], 'int32'), { clip: 1 })).toThrow(/2 images but 1 labels/);
    mlp.dispose();
    tf.dispose([x, y]);
  });
});

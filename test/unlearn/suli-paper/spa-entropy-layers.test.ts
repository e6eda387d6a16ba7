import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../../lib/engine/init';
import { entropyFromLogits, entropyOrder, splitIntoLayers } from '../../../lib/unlearn/methods/suli/entropy';
import { maskFromClasses, maskFromClassSet, spaKlLoss, spaMask, spaTargets } from '../../../lib/unlearn/shared/spa';

const softmax = (z: number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

function targets(logits: number[][], masked: number[], epsilon: number, temperature = 1): number[][] {
  return tf.tidy(() => {
    const z = tf.tensor2d(logits);
    const q = spaTargets(z, maskFromClasses(tf.tensor1d(masked, 'int32'), logits[0].length), epsilon, temperature);
    return q.arraySync();
  });
}

describe('Selective Probability Adjustment', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  const logits = [
    [2.0, 0.5, -1.0, 0.0],
    [-0.3, 3.0, 1.0, 0.2],
  ];

  it('with epsilon 0 removes all mass from the forgotten label and renormalises the rest proportionally', () => {
    const q = targets(logits, [0, 1], 0);
    logits.forEach((z, i) => {
      const p = softmax(z);
      const m = [0, 1][i];
      expect(q[i][m]).toBe(0);
      for (let k = 0; k < 4; k++) if (k !== m) expect(q[i][k]).toBeCloseTo(p[k] / (1 - p[m]), 6);
      expect(q[i].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    });
  });

  it('with epsilon > 0 leaves exactly epsilon on the forgotten label and (1 - epsilon) spread in proportion', () => {
    const eps = 0.05;
    const q = targets(logits, [0, 1], eps);
    logits.forEach((z, i) => {
      const p = softmax(z);
      const m = [0, 1][i];
      expect(q[i][m]).toBeCloseTo(eps, 6);
      for (let k = 0; k < 4; k++) if (k !== m) expect(q[i][k]).toBeCloseTo(((1 - eps) * p[k]) / (1 - p[m]), 6);
      expect(q[i].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    });
    // Ratios between the kept classes do not depend on epsilon.
    const q0 = targets(logits, [0, 1], 0);
    expect(q[0][2] / q[0][3]).toBeCloseTo(q0[0][2] / q0[0][3], 5);
  });

  it('renormalises the tempered distribution at T != 1 (SU class-wise, T = 4)', () => {
    const q = targets([logits[0]], [0], 0, 4);
    const p = softmax(logits[0].map((v) => v / 4));
    expect(q[0][1]).toBeCloseTo(p[1] / (1 - p[0]), 6);
    expect(q[0][0]).toBe(0);
  });

  it('masks several forget classes at once and splits epsilon between them', () => {
    const q = tf.tidy(() => spaTargets(tf.tensor2d(logits), maskFromClassSet(2, 4, [0, 1]), 0.1).arraySync());
    for (const row of q) {
      expect(row[0]).toBeCloseTo(0.05, 6);
      expect(row[1]).toBeCloseTo(0.05, 6);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
  });

  it("'predicted' masks the teacher's argmax, 'label' the true label", () => {
    const [pred, lab] = tf.tidy(() => {
      const z = tf.tensor2d(logits);
      const y = tf.tensor1d([3, 3], 'int32');
      return [spaMask('predicted', z, y, []).arraySync(), spaMask('label', z, y, []).arraySync()];
    });
    expect(pred).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ]);
    expect(lab.map((r) => r.indexOf(1))).toEqual([3, 3]);
  });

  it('rejects a bad epsilon and a sample with every class masked', () => {
    expect(() => targets(logits, [0, 1], 1)).toThrow(/epsilon must be in \[0, 1\)/);
    expect(() => targets(logits, [0, 1], -0.1)).toThrow(/epsilon/);
    // The mask builders check it on the host (spaTargets does not read the mask back from the device).
    expect(() => tf.tidy(() => spaMask('forget-classes', tf.tensor2d([[1, 2]]), tf.tensor1d([0], 'int32'), [0, 1]))).toThrow(/every class masked/);
    expect(() => tf.tidy(() => maskFromClassSet(3, 2, [1, 0, 1]))).toThrow(/every class masked/);
    expect(() => tf.tidy(() => maskFromClasses(tf.tensor1d([0], 'int32'), 1))).toThrow(/every class masked/);
  });

  it('KL to the adjusted self-prediction equals -log(1 - p_forgotten) (docs/reference/suli.md#s5-4-1)', () => {
    const [loss, expected] = tf.tidy(() => {
      const z = tf.tensor2d(logits);
      const q = spaTargets(z, maskFromClasses(tf.tensor1d([0, 1], 'int32'), 4), 0);
      const exp = logits.map((row, i) => -Math.log(1 - softmax(row)[[0, 1][i]])).reduce((a, b) => a + b, 0) / 2;
      return [spaKlLoss(z, q).dataSync()[0], exp];
    });
    expect(loss).toBeCloseTo(expected, 5);
  });

  it('KL is zero when the student already outputs the target and positive otherwise', () => {
    const [zero, positive] = tf.tidy(() => {
      const q = tf.tensor2d([[0.7, 0.2, 0.1]]);
      return [spaKlLoss(tf.log(q) as tf.Tensor2D, q).dataSync()[0], spaKlLoss(tf.tensor2d([[0, 0, 0]]), q).dataSync()[0]];
    });
    expect(zero).toBeCloseTo(0, 6);
    expect(positive).toBeGreaterThan(0.05);
  });
});

describe('entropy ordering and layers', () => {
  it('computes predictive entropy: log K for uniform logits, near 0 for a confident one', () => {
    const h = entropyFromLogits(Float32Array.from([0, 0, 0, 0, 20, 0, 0, 0]), 4);
    expect(h[0]).toBeCloseTo(Math.log(4), 5);
    expect(h[1]).toBeLessThan(1e-6);
  });

  it('orders by decreasing entropy, ties in original order', () => {
    expect(Array.from(entropyOrder([0.1, 0.9, 0.5, 0.9, 0.0]))).toEqual([1, 3, 2, 0, 4]);
  });

  it('splits by layer size (code) and by layer count (paper t)', () => {
    const order = Int32Array.from([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(splitIntoLayers(order, { by: 'size', layerSize: 4 }).map((l) => Array.from(l))).toEqual([
      [9, 8, 7, 6],
      [5, 4, 3, 2],
      [1, 0],
    ]);
    expect(splitIntoLayers(order, { by: 'count', numLayers: 2 }).map((l) => Array.from(l))).toEqual([
      [9, 8, 7, 6, 5],
      [4, 3, 2, 1, 0],
    ]);
    const three = splitIntoLayers(order, { by: 'count', numLayers: 3 });
    expect(three.map((l) => l.length)).toEqual([3, 3, 4]);
    expect(splitIntoLayers(Int32Array.from([1, 0]), { by: 'count', numLayers: 5 }).length).toBe(2);
    expect(() => splitIntoLayers(order, { by: 'size', layerSize: 0 })).toThrow(/layerSize must be a positive integer/);
    expect(() => splitIntoLayers(new Int32Array(0), { by: 'count', numLayers: 2 })).toThrow(/empty forget set/);
  });
});

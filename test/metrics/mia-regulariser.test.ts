import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { jStat } from '../../lib/metrics/jstat';
import { Rng } from '../../lib/engine/rng';
import { miaRegulariser, probit } from '../../lib/metrics/mia-regulariser';

// Independent float64 reference, written from docs/reference/blend-a-amu.md#a6 (plain JS numbers).
function gaussianise64(c: number[], k: number, relu: boolean): number[] {
  const u = c.map((x) => Math.log(1 + x + 1e-8));
  const sig = (x: number): number => 1 / (1 + Math.exp(-x));
  return u.map((ui) => {
    let s = 0;
    for (const uj of u) s += sig(k * (relu ? Math.max(0, ui - uj) : ui - uj));
    return Math.min(60, Math.max(-60, jStat.normal.inv(s / u.length, 0, 1)));
  });
}
function kernelMean(a: number[], b: number[], sigma: number): number {
  let s = 0;
  for (const x of a) for (const y of b) s += Math.exp(-((x - y) ** 2) / (2 * sigma * sigma));
  return s / (a.length * b.length);
}
function mmd64(f: number[], t: number[], k: number, sigma: number, relu: boolean): number {
  const zf = gaussianise64(f, k, relu);
  const zt = gaussianise64(t, k, relu);
  return kernelMean(zf, zf, sigma) + kernelMean(zt, zt, sigma) - 2 * kernelMean(zf, zt, sigma);
}
function fdGrad(f: number[], t: number[], k: number, sigma: number, relu: boolean): number[] {
  const h = 1e-6;
  return f.map((_, i) => {
    const up = f.slice();
    const dn = f.slice();
    up[i] += h;
    dn[i] -= h;
    return (mmd64(up, t, k, sigma, relu) - mmd64(dn, t, k, sigma, relu)) / (2 * h);
  });
}

describe('miaRegulariser (A-AMU differentiable MIA term)', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('probit matches jStat.normal.inv across (0, 1)', () => {
    const ps = [1e-6, 0.001, 0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 0.99999];
    const z = tf.tidy(() => probit(tf.tensor1d(ps)).arraySync() as number[]);
    ps.forEach((p, i) => expect(z[i]).toBeCloseTo(jStat.normal.inv(p, 0, 1), 3));
  });

  for (const cfg of [
    { k: 2, sigma: 1, relu: true },
    { k: 2, sigma: 1, relu: false },
    { k: 5, sigma: 0.5, relu: true },
  ]) {
    it(`value and gradient match a float64 computation (k=${cfg.k}, sigma=${cfg.sigma}, relu=${cfg.relu})`, () => {
      const rng = new Rng(`reg-${cfg.k}-${cfg.relu}`);
      // forget losses small (memorised), test losses larger and more spread
      const f = Array.from({ length: 12 }, () => Math.abs(rng.normal()) * 0.3);
      const t = Array.from({ length: 9 }, () => Math.abs(rng.normal()) * 2 + 0.5);
      const expected = mmd64(f, t, cfg.k, cfg.sigma, cfg.relu);
      const opts = { k: cfg.k, sigma: cfg.sigma, referenceRelu: cfg.relu };
      const before = tf.memory().numTensors;
      const [value, grad, gradT] = tf.tidy(() => {
        const ft = tf.tensor1d(f);
        const tt = tf.tensor1d(t);
        const v = miaRegulariser(ft, tt, opts).dataSync()[0];
        const [gf, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => miaRegulariser(a as tf.Tensor1D, b as tf.Tensor1D, opts))([ft, tt]);
        return [v, Array.from(gf.dataSync()), Array.from(gt.dataSync())];
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(expected).toBeGreaterThan(1e-3); // the case is not trivial
      expect(Math.abs(value - expected)).toBeLessThan(1e-4 + 1e-3 * expected);
      const ref = fdGrad(f, t, cfg.k, cfg.sigma, cfg.relu);
      const scale = Math.max(...ref.map(Math.abs));
      expect(scale).toBeGreaterThan(1e-4);
      ref.forEach((r, i) => expect(Math.abs(grad[i] - r)).toBeLessThan(2e-3 * scale + 1e-6));
      // test branch is detached
      gradT.forEach((g) => expect(g).toBe(0));
    });
  }

  it('is ~0 for identical sets and rejects wrong inputs clearly', () => {
    tf.tidy(() => {
      const a = tf.tensor1d([0.1, 0.5, 1.2, 2.0]);
      expect(miaRegulariser(a, a.clone()).dataSync()[0]).toBeCloseTo(0, 6);
      expect(() => miaRegulariser(tf.tensor1d([]), a)).toThrow(/forgetLosses is empty/);
      expect(() => miaRegulariser(a, tf.tensor2d([[1]]) as unknown as tf.Tensor1D)).toThrow(/testLosses must be a 1-D tensor/);
      expect(() => miaRegulariser(a, a, { sigma: 0 })).toThrow(/opts.sigma must be a positive/);
    });
  });
});

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, TensorCountLog } from '../../lib/engine/leaks';
import { Rng } from '../../lib/engine/rng';
import { PhaseTimer } from '../../lib/engine/timer';

describe('Rng', () => {
  it('is reproducible from one seed, and forks are independent streams', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(new Rng(42).fork('kmeans').next()).toBe(new Rng(42).fork('kmeans').next());
    expect(new Rng(42).fork('kmeans').next()).not.toBe(new Rng(42).fork('blend').next());
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });

  it('draws permutations and samples without replacement', () => {
    const r = new Rng(7);
    const p = Array.from(r.permutation(100));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const s = r.sample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4);
    expect(new Set(s).size).toBe(4);
    expect(() => r.sample([1, 2], 3)).toThrow(/cannot draw 3 of 2/);
  });

  it('has the right moments for uniform and normal draws', () => {
    const r = new Rng('moments');
    const u = r.uniformArray(20000, -1, 1);
    const n = r.normalArray(20000, 3, 2);
    const mean = (a: Float32Array) => a.reduce((s, x) => s + x, 0) / a.length;
    const sd = (a: Float32Array) => {
      const m = mean(a);
      return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length);
    };
    expect(Math.abs(mean(u))).toBeLessThan(0.02);
    expect(Math.abs(mean(n) - 3)).toBeLessThan(0.05);
    expect(Math.abs(sd(n) - 2)).toBeLessThan(0.05);
    expect(() => new Rng(NaN)).toThrow(/finite/);
  });
});

describe('PhaseTimer', () => {
  it('accumulates time per phase', async () => {
    const t = new PhaseTimer();
    t.time('a', () => {
      const end = performance.now() + 20;
      while (performance.now() < end);
    });
    await t.timeAsync('b', () => new Promise((r) => setTimeout(r, 30)));
    t.time('a', () => undefined);
    const rec = t.record();
    expect(Object.keys(rec)).toEqual(['a', 'b']);
    expect(rec.a).toBeGreaterThanOrEqual(0.019);
    expect(rec.b).toBeGreaterThanOrEqual(0.025);
    expect(t.total()).toBeCloseTo(rec.a + rec.b, 10);
  });
});

describe('leak guards', () => {
  it('expectNoLeak passes tidy work and catches a leak', async () => {
    await expectNoLeak('tidy', () => tf.tidy(() => tf.add(tf.ones([3]), 1).dataSync()));
    let leaked: tf.Tensor | null = null;
    await expect(
      expectNoLeak('leaky', () => {
        leaked = tf.ones([2]);
      }),
    ).rejects.toThrow(/leaky leaked 1 tensor/);
    leaked!.dispose();
  });

  it('TensorCountLog records counts', () => {
    const log = new TensorCountLog();
    log.mark('start');
    const t = tf.ones([1]);
    log.mark('after');
    t.dispose();
    expect(log.counts[1].numTensors - log.counts[0].numTensors).toBe(1);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { init } from '../../lib/engine/init';
import {
  PAPER_REDUCED_RATIOS,
  RETAIN_STRATEGIES,
  reducedRetainStrategies,
  strategyPaperTable,
  type ReducedRetainResult,
} from '../../lib/experiments/reduced-retain-strategies';

describe('reduced-retain-strategies runner (smoke preset)', () => {
  let r: ReducedRetainResult;
  let tensorsBefore = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await reducedRetainStrategies.run({ preset: 'smoke' });
  }, 60_000);

  it('runs L1-sparse on all seven training sets, in the paper order', () => {
    expect(r.rows.map((x) => x.strategy)).toEqual(RETAIN_STRATEGIES.map((s) => s.key));
  });

  it('builds sets whose sizes follow from F-sampling', () => {
    const size = (k: string) => r.rows.find((x) => x.strategy === k)!.trainSize;
    const sizes = r.setups[0].sizes;
    expect(size('full')).toBe(sizes.retain);
    expect(size('free') + size('residual')).toBe(sizes.retain);
    const uniform = r.ratios.find((x) => x.request.startsWith('uniform'))!;
    expect(size('reduced')).toBe(uniform.reduced);
    expect(size('reduced')).toBe(size('residual') + uniform.blended);
    // Condensed sets are smaller than what they condense.
    expect(size('blend-all')).toBeLessThan(size('full'));
    expect(size('blend-free')).toBeLessThan(size('free'));
    expect(size('blend-residual')).toBeLessThanOrEqual(size('residual'));
  });

  it('reports accuracies as fractions in [0, 1], an MIA score in [0, 100], positive times and the time relative to the full set', () => {
    for (const row of r.rows) {
      for (const v of [row.retainAcc, row.forgetAcc, row.freeRetainAcc, row.residualRetainAcc, row.testAcc]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(row.mia).toBeGreaterThanOrEqual(0);
      expect(row.mia).toBeLessThanOrEqual(100);
      expect(row.seconds).toBeGreaterThan(0);
    }
    expect(r.rows[0].timePercent).toBeCloseTo(100, 6);
  });

  it('gives reduced-retain ratios for uniform and one-class forgetting; one-class forgetting leaves every other cluster free', () => {
    const uniform = r.ratios.find((x) => x.request.startsWith('uniform'))!;
    const cls = r.ratios.find((x) => x.request.startsWith('class'))!;
    expect(uniform.ratio).toBeGreaterThan(0);
    expect(uniform.ratio).toBeLessThanOrEqual(1);
    expect(cls.residual).toBe(0);
    // One image per non-empty cluster of the 9 other classes (k = 8 each).
    expect(cls.blended).toBeGreaterThan(0);
    expect(cls.blended).toBeLessThanOrEqual(9 * 8);
    expect(cls.ratio).toBeCloseTo(cls.blended / cls.retain, 6);
    expect(PAPER_REDUCED_RATIOS.equalClusterEstimate(5)).toBeCloseTo(0.475, 3);
  });

  it('builds its output and the paper table', () => {
    const out = reducedRetainStrategies.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(['strategies', 'paper', 'ratios']);
    expect(out.figures!.length).toBe(2);
    expect(strategyPaperTable(r).rows.length).toBe(7);
    // Rendered in percent beside the paper's percent: one seed, so forget accuracy x 100.
    const full = r.rows.find((x) => x.strategy === 'full')!;
    expect(strategyPaperTable(r).rows[0][1]).toBe(100 * full.forgetAcc);
    expect((out.tables.strategies.rows[0][2] as { mean: number }).mean).toBe(100 * full.forgetAcc);
  });

  it('does not leak tensors (original model, condensed sets and unlearned models are all freed)', () => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('rejects overrides it cannot honour', async () => {
    await expect(reducedRetainStrategies.run({ preset: 'smoke', dataset: 'cifar10' })).rejects.toThrow(/--dataset is not an option of this experiment \(its preset sets it\)/);
  });
});

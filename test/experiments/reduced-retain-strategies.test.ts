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
    expect(Object.keys(out.tables)).toEqual(['strategies', 'gap', 'paper', 'ratios']);
    expect(out.figures!.length).toBe(3);
    expect(strategyPaperTable(r).rows.length).toBe(7);
    // Rendered in percent beside the paper's percent: one seed, so forget accuracy x 100.
    const full = r.rows.find((x) => x.strategy === 'full')!;
    expect(strategyPaperTable(r).rows[0][1]).toBe(100 * full.forgetAcc);
    // Original and Retrain first (the rows every set is read against), then the seven sets.
    expect(out.tables.strategies.rows.map((x) => x[0])).toEqual(['original', 'retrain', ...RETAIN_STRATEGIES.map((s) => s.label)]);
    expect((out.tables.strategies.rows[2][2] as { mean: number }).mean).toBe(100 * full.forgetAcc);
    // Retrain's gap to itself is 0; (1)'s Avg. Gap is the mean |gap| over the four metrics, in points.
    const gap = out.tables.gap;
    const avg = gap.columns.indexOf('Avg. Gap');
    expect((gap.rows[1][avg] as { mean: number }).mean).toBe(0);
    const retrain = r.references!.find((x) => x.model === 'retrain')!;
    const expected = (100 * Math.abs(full.retainAcc - retrain.retainAcc) + 100 * Math.abs(full.forgetAcc - retrain.forgetAcc) + 100 * Math.abs(full.testAcc - retrain.testAcc) + Math.abs(full.mia - retrain.mia)) / 4;
    expect((gap.rows[2][avg] as { mean: number }).mean).toBeCloseTo(expected, 9);
    expect(out.notes!.join(' ')).toMatch(/below 50, or below Retrain's, is not better/);
  });

  it('measures the original (on the whole training set it saw) and Retrain (from scratch on R) on the same sets', () => {
    expect(r.references!.map((x) => x.model)).toEqual(['original', 'retrain']);
    const [original, retrain] = r.references!;
    expect(original.trainSize).toBe(r.setups[0].sizes.train);
    expect(retrain.trainSize).toBe(r.setups[0].sizes.retain);
    expect(Number.isNaN(original.seconds)).toBe(true);
    expect(retrain.seconds).toBeGreaterThan(0);
    for (const x of r.references!) for (const v of [x.retainAcc, x.forgetAcc, x.freeRetainAcc, x.testAcc]) expect(v).toBeGreaterThan(0);
  });

  it('does not leak tensors (original model, condensed sets and unlearned models are all freed)', () => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('rejects overrides it cannot honour', async () => {
    await expect(reducedRetainStrategies.run({ preset: 'smoke', dataset: 'cifar10' })).rejects.toThrow(/--dataset is not an option of this experiment \(its preset sets it\)/);
  });
});

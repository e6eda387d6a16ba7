import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { init } from '../../lib/engine/init';
import {
  CONDENSATION_METHODS,
  CONDENSATION_PRESETS,
  condensationComparison,
  condensationPaperTable,
  prototypeGrids,
  type CondensationComparisonResult,
} from '../../lib/experiments/condensation-comparison';

describe('condensation-comparison runner (smoke preset)', () => {
  let r: CondensationComparisonResult;
  let tensorsBefore = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await condensationComparison.run({ preset: 'smoke' });
  }, 60_000);

  it('condenses with every method at every IPC of the preset, 10 x IPC images each', () => {
    const p = CONDENSATION_PRESETS.smoke;
    expect(r.rows.length).toBe(p.ipcs.length * CONDENSATION_METHODS.length);
    for (const ipc of p.ipcs) {
      for (const m of CONDENSATION_METHODS) {
        const row = r.rows.find((x) => x.ipc === ipc && x.method === m);
        expect(row, `${m} at IPC ${ipc}`).toBeDefined();
        expect(row!.images).toBe(10 * ipc);
      }
    }
  });

  it('reports accuracies as fractions in [0, 1], positive times and projections to the reference iteration counts', () => {
    for (const row of r.rows) {
      expect(row.testAcc).toBeGreaterThanOrEqual(0);
      expect(row.testAcc).toBeLessThanOrEqual(1);
      expect(row.finalTestAcc).toBeGreaterThanOrEqual(0);
      expect(row.finalTestAcc).toBeLessThanOrEqual(1);
      expect(row.seconds).toBeGreaterThan(0);
      expect(row.evalEpochs).toBe(CONDENSATION_PRESETS.smoke.evalEpochs[row.method]);
      if (row.method === 'blend') expect(row.kmeansSeconds).toBeGreaterThan(0);
      else expect(row.projectedSeconds).toBeCloseTo(row.secondsPerIteration * row.referenceIterations, 6);
    }
    // DM at 20,000 projected iterations must take longer than the 2 it ran.
    const dm = r.rows.find((x) => x.method === 'dm')!;
    expect(dm.projectedSeconds).toBeGreaterThan(dm.seconds);
    expect(r.speedups.length).toBe(CONDENSATION_PRESETS.smoke.ipcs.length * (CONDENSATION_METHODS.length - 1));
  });

  it('does not leak tensors', () => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('builds tables and prototype grids, also from the result as results.json stores it (one image per class, method and IPC)', () => {
    const out = condensationComparison.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(['condensation', 'speedup', 'paper']);
    expect(out.figures!.length).toBe(CONDENSATION_PRESETS.smoke.ipcs.length + 1);
    const stored = JSON.parse(JSON.stringify(out.result)) as CondensationComparisonResult;
    expect(stored.prototypes!.length).toBe(CONDENSATION_PRESETS.smoke.ipcs.length * CONDENSATION_METHODS.length);
    const grids = prototypeGrids(stored);
    expect(grids.length).toBe(CONDENSATION_PRESETS.smoke.ipcs.length);
    // Each grid: one captioned tile per prototype (10 classes x 4 methods), drawn from the stored pixels.
    for (const g of grids) expect((g.layout.annotations as unknown[]).length).toBe(10 * CONDENSATION_METHODS.length);
    expect(JSON.stringify(out.result).length).toBeLessThan(50_000 + 100 * 28 * 28 * 8);
    const paper = condensationPaperTable(r);
    expect(paper.rows.length).toBe(r.rows.length);
    // One seed: our column is the row's test accuracy in percent, beside the paper's percent.
    const first = r.rows[0];
    expect(paper.rows.find((x) => x[0] === `IPC ${first.ipc}` && x[1] === first.method)![2]).toBe(100 * first.testAcc);
  });

  it('rejects an unknown preset and an option it does not declare with a clear message', async () => {
    await expect(condensationComparison.run({ preset: 'huge' as never })).rejects.toThrow(/Unknown preset 'huge'/);
    await expect(condensationComparison.run({ preset: 'smoke', methods: ['cf'] })).rejects.toThrow(/condensation-comparison: --methods is not an option of this experiment.*It takes: --preset, --seeds, --dataset/);
  });
});

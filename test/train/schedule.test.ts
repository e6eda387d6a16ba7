import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../../lib/data/dataset';
import { init } from '../../lib/engine/init';
import { createModel } from '../../lib/models/registry';
import { fit } from '../../lib/train/fit';
import { LrSchedule } from '../../lib/train/schedule';

describe('learning-rate schedules', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('warm-up then cosine (the Blend/A-AMU pretraining schedule)', () => {
    const s = new LrSchedule(0.1, 200, { kind: 'cosine', warmup: 10 });
    expect(s.lr(0)).toBeCloseTo(0.01, 12);
    expect(s.lr(9)).toBeCloseTo(0.1, 12);
    expect(s.lr(10)).toBeCloseTo(0.1, 12);
    expect(s.lr(105)).toBeCloseTo(0.05, 12);
    expect(s.lr(199)).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos((Math.PI * 189) / 190)), 12);
  });

  it('plateau in max mode (ReduceLROnPlateau on accuracy, patience 3, threshold 1e-3)', () => {
    const s = new LrSchedule(0.1, 40, { kind: 'plateau', mode: 'max', factor: 0.1, patience: 3, threshold: 1e-3 });
    // 0.8 improves; 0.8005 is within the relative threshold, so it counts as no improvement.
    const accs = [0.5, 0.8, 0.8005, 0.79, 0.8, 0.7];
    const lrs = accs.map((a) => {
      s.observe(a);
      return s.lr(0);
    });
    expect(lrs).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1 * 0.1]);
  });

  it('plateau in min mode keeps the previous behaviour', () => {
    const s = new LrSchedule(1, 10, { kind: 'plateau', patience: 1, factor: 0.5 });
    [1, 0.5, 0.6, 0.7].forEach((v) => s.observe(v));
    expect(s.lr(0)).toBe(0.5);
  });

  it('fit() refuses a plateau on validation accuracy without a validation set', async () => {
    const ds = makeDataset({
      name: 'toy',
      split: 'train',
      images: new Float32Array(2 * 4),
      labels: Int32Array.from([0, 1]),
      ids: Int32Array.from([0, 1]),
      shape: [2, 2, 1],
      classNames: ['a', 'b'],
      mean: [0],
      std: [1],
    });
    const m = createModel('mlp', { inputShape: [2, 2, 1], numClasses: 2, options: { hidden: [] } });
    await expect(fit(m, ds, { epochs: 1, batchSize: 2, lr: 0.1, schedule: { kind: 'plateau', monitor: 'validation-accuracy' } })).rejects.toThrow(
      /monitors 'validation-accuracy' but no validation set/,
    );
    m.dispose();
  });
});

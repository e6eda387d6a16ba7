import { describe, expect, it } from 'vitest';
import { ACCURACY_METRICS, PERCENT_SCALE, percent, renderedCell } from '../../lib/experiments/shared/percent';
import { ResultsTable } from '../../lib/results';

describe('accuracies: fractions kept, percent rendered', () => {
  it('percent() and PERCENT_SCALE turn every accuracy metric into percent and nothing else', () => {
    expect(percent(0.8765)).toBe(100 * 0.8765);
    expect(Object.keys(PERCENT_SCALE)).toEqual([...ACCURACY_METRICS]);
    for (const m of ACCURACY_METRICS) expect(PERCENT_SCALE[m]).toBe(100);
    for (const m of ['mia', 'seconds', 'timePercent', 'miaStd', 'paperSeconds', 'updates']) expect(PERCENT_SCALE[m]).toBeUndefined();
  });

  it('renders a ResultsTable with accuracies in percent and the MIA score and times as they are', () => {
    const t = ResultsTable.fromRuns([
      { method: 'cf', scenario: 'class 0', seed: 0, metrics: { forgetAcc: 0.25, testAcc: 0.875, mia: 51.5, seconds: 3 } },
      { method: 'cf', scenario: 'class 0', seed: 1, metrics: { forgetAcc: 0.75, testAcc: 0.625, mia: 48.5, seconds: 5 } },
    ]);
    const row = t.view({ scale: PERCENT_SCALE }).rows[0];
    const c = (j: number) => row[j] as { mean: number; ci: number; n: number };
    expect(c(2).mean).toBeCloseTo(50, 12);
    expect(c(2).ci).toBeCloseTo(100 * t.get('cf', 'class 0', 'forgetAcc').ci, 9);
    expect(c(3).mean).toBeCloseTo(75, 12);
    expect(c(4)).toEqual(t.get('cf', 'class 0', 'mia'));
    expect(c(5)).toEqual(t.get('cf', 'class 0', 'seconds'));
  });

  it('renderedCell scales accuracy cells only, keeps n and leaves null alone', () => {
    const cell = { mean: 0.5, ci: 0.02, n: 3 };
    expect(renderedCell('retainAcc', cell)).toEqual({ mean: 50, ci: 2, n: 3 });
    expect(renderedCell('mia', cell)).toBe(cell);
    expect(renderedCell('testAcc', null)).toBeNull();
    expect(renderedCell('forgetAcc', { mean: 0.9, ci: NaN, n: 1 })).toEqual({ mean: 90, ci: NaN, n: 1 });
  });
});

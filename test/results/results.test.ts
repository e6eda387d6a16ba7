import { describe, expect, it } from 'vitest';
import { cellCi, cellValue, formatCell, formatMeanCi, meanCi, overSeeds, ResultsTable, validateTable, type RunRecord } from '../../lib/results';
import { singleRoundOutput } from '../../lib/experiments/single-round/views';
import type { SingleRoundResult } from '../../lib/experiments/single-round/run';

describe('meanCi', () => {
  it('matches the Student-t interval computed by hand', () => {
    // [1, 2, 3]: mean 2, sd 1, n 3. For 2 degrees of freedom the t quantile has a closed form:
    // t_p = (2p - 1) * sqrt(2 / (4 p (1 - p))); p = 0.975 gives 4.302652729...
    const p = 0.975;
    const t = (2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p)));
    const c = meanCi([1, 2, 3]);
    expect(c.mean).toBe(2);
    expect(c.n).toBe(3);
    expect(c.ci).toBeCloseTo(t / Math.sqrt(3), 8); // jstat inverts the t CDF numerically (~1e-10)
    expect(c.ci).toBeCloseTo(2.4841377, 6);
    // One degree of freedom: t_p = tan(pi (p - 1/2)) = 12.7062...; [50, 52] has sd sqrt(2), so ci = t.
    expect(meanCi([50, 52]).ci).toBeCloseTo(Math.tan(Math.PI * 0.475), 6);
    // A 90% interval is narrower: p = 0.95.
    const t90 = 0.9 * Math.sqrt(2 / (4 * 0.95 * 0.05));
    expect(meanCi([1, 2, 3], 0.9).ci).toBeCloseTo(t90 / Math.sqrt(3), 8);
  });

  it('has no interval for one run and renders it as n=1, never ± 0.00', () => {
    const c = meanCi([0.912]);
    expect(c.mean).toBe(0.912);
    expect(c.n).toBe(1);
    expect(Number.isNaN(c.ci)).toBe(true);
    expect(formatMeanCi({ mean: 91.2, ci: NaN, n: 1 })).toBe('91.20 (n=1)');
    expect(formatMeanCi(meanCi([100, 100, 100]))).toBe('100.00 (n=3, all equal)');
    // Equal up to floating-point rounding counts as equal: 98.89 - 88.89 computed on three seeds.
    expect(formatMeanCi(meanCi([98.89 - 88.89, 10.000000000000002, 10]))).toBe('10.00 (n=3, all equal)');
    expect(formatCell(c, 3)).toBe('0.912 (n=1)');
    expect(formatCell(c)).not.toMatch(/±/);
    // Titles say so too: the main job (one seed) promises no interval it does not have.
    expect(overSeeds(1)).toBe('one seed: no interval');
    expect(overSeeds(3)).toBe('mean ± 95% CI over 3 seeds');
    const row = { seed: 0, scenario: 'uniform 10%', method: 'cf', blend: false, retainAcc: 0.9, forgetAcc: 0.8, testAcc: 0.8, mia: 52, status: 'ok', seconds: 1, kmeansSeconds: 0, samplingSeconds: 0, condensationSeconds: 0, retainUsed: 9 };
    const out = singleRoundOutput({ preset: 'smoke', backend: 'wasm', seconds: 1, rows: [row], originals: [] } as unknown as SingleRoundResult);
    expect(out.tables['table-uniform-10'].title).toBe('uniform 10% forgetting (one seed: no interval)');
    expect(JSON.stringify(out.figures?.[0]?.figure.layout)).toMatch(/one seed: no interval/);
    expect(cellCi(c)).toBeNull();
    expect(cellValue(c)).toBe(0.912);
  });

  it('renders mean ± ci with the asked digits', () => {
    expect(formatMeanCi({ mean: 91.2, ci: 0.8412, n: 3 })).toBe('91.20 ± 0.84');
    expect(formatMeanCi({ mean: 91.2, ci: 0.8412, n: 3 }, 1)).toBe('91.2 ± 0.8');
  });

  it('rejects empty input, non-finite values and a bad level', () => {
    expect(() => meanCi([])).toThrow(/no values/);
    expect(() => meanCi([1, NaN])).toThrow(/value 1 is NaN/);
    expect(() => meanCi([1, Infinity])).toThrow(/value 1 is Infinity/);
    expect(() => meanCi([1, 2], 1)).toThrow(/level must be a number in \(0, 1\), got 1/);
  });
});

const runs: RunRecord[] = [
  { method: 'retrain', scenario: 'class 0', seed: 1, metrics: { forgetAcc: 0.1, retainAcc: 0.9 } },
  { method: 'retrain', scenario: 'class 0', seed: 2, metrics: { forgetAcc: 0.2, retainAcc: 0.92 } },
  { method: 'retrain', scenario: 'class 0', seed: 3, metrics: { forgetAcc: 0.3 } },
  { method: 'SU', scenario: 'class 0', seed: 1, metrics: { forgetAcc: 0.05, retainAcc: 0.88 } },
  { method: 'SU', scenario: 'class 1', seed: 1, metrics: { forgetAcc: 0.07, seconds: 2 } },
];

describe('ResultsTable', () => {
  const t = ResultsTable.fromRuns(runs);

  it('aggregates per method, scenario and metric in first-seen order', () => {
    expect(t.metrics).toEqual(['forgetAcc', 'retainAcc', 'seconds']);
    expect(t.methods()).toEqual(['retrain', 'SU']);
    expect(t.scenarios()).toEqual(['class 0', 'class 1']);
    expect(t.level).toBe(0.95);
    const f = t.get('retrain', 'class 0', 'forgetAcc');
    expect(f.n).toBe(3);
    expect(f.mean).toBeCloseTo(0.2, 12);
    expect(f).toEqual(meanCi([0.1, 0.2, 0.3]));
    // A metric missing from one run counts only the runs that have it.
    expect(t.get('retrain', 'class 0', 'retainAcc').n).toBe(2);
    expect(Number.isNaN(t.get('SU', 'class 0', 'forgetAcc').ci)).toBe(true);
  });

  it('get() names what exists when the lookup fails', () => {
    expect(() => t.get('SULI', 'class 0', 'forgetAcc')).toThrow("no method 'SULI'. Methods: 'retrain', 'SU'.");
    expect(() => t.get('retrain', 'class 1', 'forgetAcc')).toThrow("method 'retrain' has no scenario 'class 1'. Its scenarios: 'class 0'.");
    expect(() => t.get('SU', 'class 1', 'retainAcc')).toThrow("'SU' on 'class 1' has no metric 'retainAcc'. Its metrics: 'forgetAcc', 'seconds'.");
  });

  it('rejects no runs, a repeated seed and non-finite values', () => {
    expect(() => ResultsTable.fromRuns([])).toThrow(/no runs/);
    expect(() => ResultsTable.fromRuns([runs[0], { ...runs[0] }])).toThrow(/seed 1 appears twice for method 'retrain' on 'class 0'/);
    expect(() => ResultsTable.fromRuns([{ method: 'x', scenario: 's', seed: 1, metrics: { m: NaN } }])).toThrow(/metric 'm' of 'x' on 's' \(seed 1\) is NaN/);
  });

  it('view() is a valid rendering Table; scale gives percent only there', () => {
    const v = t.view({ metrics: ['forgetAcc', 'retainAcc'], title: 'Class-wise', scale: { forgetAcc: 100, seconds: 1 } });
    expect(validateTable(v)).toBe(v);
    expect(v.title).toBe('Class-wise');
    expect(v.columns).toEqual(['scenario', 'method', 'forgetAcc', 'retainAcc']);
    expect(v.rows.map((r) => formatCell(r[2]))).toEqual(['20.00 ± 24.84', '5.00 (n=1)', '7.00 (n=1)']);
    expect(v.rows[2][3]).toBeNull();
    expect(cellValue(v.rows[0][3])).toBeCloseTo(0.91, 12);
    // The table itself keeps fractions.
    expect(t.get('retrain', 'class 0', 'forgetAcc').mean).toBeCloseTo(0.2, 12);
    expect(t.view().columns).toEqual(['scenario', 'method', 'forgetAcc', 'retainAcc', 'seconds']);
    expect(() => t.view({ metrics: ['acc'] })).toThrow("ResultsTable.view: no metric 'acc'. Metrics: 'forgetAcc', 'retainAcc', 'seconds'.");
    expect(() => t.view({ scale: { forgetAcc: 0 } })).toThrow('scale.forgetAcc must be a finite number > 0, got 0.');
  });

  it('toJSON() round-trips through JSON (a single-run ci becomes null)', () => {
    const j = JSON.parse(JSON.stringify(t));
    expect(j.metrics).toEqual(t.metrics);
    expect(j.level).toBe(0.95);
    expect(j.rows[0].cells.forgetAcc.mean).toBeCloseTo(0.2, 12);
    expect(j.rows[1].cells.forgetAcc.ci).toBeNull();
  });
});

describe('validateTable', () => {
  it('names the bad row, column and cell', () => {
    expect(() => validateTable({ columns: ['a', 'b'], rows: [[1]] })).toThrow(/row 0 has 1 cells but there are 2 columns/);
    expect(() => validateTable({ columns: ['a'], rows: [[NaN]] })).toThrow(/cell \(row 0, column 'a'\) is null/);
    expect(() => validateTable({ columns: ['a', 'a'], rows: [] })).toThrow(/column names repeat/);
  });
});

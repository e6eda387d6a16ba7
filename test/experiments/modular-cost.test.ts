import { describe, expect, it } from 'vitest';
import { modularCostTable, type ModularRow } from '../../lib/experiments/modular-unlearning';

// Synthetic rows with hand-computed ratios: the table is what the paper's speed claim is read from.
const row = (seed: number, method: string, seconds: number, miaLoss: number, forgetAcc: number, status: ModularRow['status'] = 'ok'): ModularRow => ({
  seed,
  model: 'mlp',
  scenario: 'uniform 10%',
  method,
  seconds,
  miaLoss,
  forgetAcc,
  retainAcc: 0.99,
  testAcc: 0.83,
  mia: 50,
  status,
  statusReason: '',
  retainUsed: 100,
});

describe('modularCostTable: time against Retrain and CF beside the gap to Retrain', () => {
  const rows = [
    row(0, 'original', NaN, 60, 0.99),
    row(0, 'retrain', 10, 50, 0.8),
    row(0, 'cf', 20, 56, 0.95),
    row(0, 'modular', 5, 53, 0.86),
    row(1, 'retrain', 20, 52, 0.82),
    row(1, 'cf', 20, 58, 0.97),
    row(1, 'modular', 10, 54, 0.85),
    row(1, 'bad-teacher', 4, 70, 0.5, 'diverged'),
  ];
  const t = modularCostTable(rows);
  const cell = (method: string, column: string) => t.rows.find((r) => r[1] === method)![t.columns.indexOf(column)] as { mean: number; n: number } | number | null;

  it('takes each ratio on the same seed and averages over seeds, with the paper beside the modular 10% rows', () => {
    expect(t.rows.map((r) => r[1])).toEqual(['cf', 'modular', 'bad-teacher [diverged]']);
    expect(cell('modular', 'time / Retrain')).toMatchObject({ mean: 0.5, n: 2 });
    expect((cell('modular', 'time / CF') as { mean: number }).mean).toBeCloseTo((0.25 + 0.5) / 2, 12);
    expect((cell('modular', 'miaLoss gap') as { mean: number }).mean).toBeCloseTo((3 + 2) / 2, 12);
    expect((cell('modular', 'forgetAcc gap') as { mean: number }).mean).toBeCloseTo((6 + 3) / 2, 9);
    expect(cell('modular', 'paper time / Retrain')).toBeCloseTo(14.9 / 16.5, 12);
    expect(cell('cf', 'paper time / Retrain')).toBeNull();
    // Retrain is the reference, and Original took no time: neither has a row.
    expect(t.rows.some((r) => r[1] === 'retrain' || r[1] === 'original')).toBe(false);
  });

  it('skips seeds without a healthy Retrain or CF run, and is empty without any', () => {
    expect(cell('bad-teacher [diverged]', 'time / Retrain')).toMatchObject({ mean: 0.2, n: 1 });
    const noCf = modularCostTable(rows.filter((r) => r.method !== 'cf'));
    expect(noCf.rows).toEqual([]);
    const flagged = modularCostTable(rows.map((r) => (r.method === 'retrain' && r.seed === 1 ? { ...r, status: 'diverged' as const } : r)));
    expect(flagged.rows.find((r) => r[1] === 'modular')![2]).toMatchObject({ mean: 0.5, n: 1 });
  });
});

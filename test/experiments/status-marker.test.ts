import { describe, expect, it } from 'vitest';
import { methodOfLabel, statusLabel } from '../../lib/experiments/shared/measure';
import { singleRoundTable, type SingleRoundRow } from '../../lib/experiments/single-round/run';
import { blendSpeedups, paperComparisonTable, singleRoundOutput } from '../../lib/experiments/single-round/views';
import type { SingleRoundResult } from '../../lib/experiments/single-round/run';
import type { HealthStatus } from '../../lib/unlearn';
import { multiRoundFigures } from '../../lib/experiments/multi-round/views';
import type { MultiRoundRow } from '../../lib/experiments/multi-round/run';
import { suliLabel } from '../../lib/experiments/shared/suli-setting';

const row = (method: string, seed: number, status: HealthStatus, over: Partial<SingleRoundRow> = {}): SingleRoundRow => ({
  seed,
  scenario: 'uniform 10%',
  method,
  blend: false,
  retainAcc: 0.9,
  forgetAcc: 0.85,
  testAcc: 0.8,
  mia: 52,
  status,
  statusReason: status === 'ok' ? '' : 'loss 2.70e+27 in epoch 1',
  seconds: 10,
  kmeansSeconds: 0,
  samplingSeconds: 0,
  condensationSeconds: 0,
  retainUsed: 100,
  ...over,
});

describe('flagged runs are marked in result tables, never averaged with healthy ones', () => {
  it('statusLabel marks only flagged runs, methodOfLabel takes the mark off', () => {
    expect(statusLabel('cf', { status: 'ok' })).toBe('cf');
    expect(statusLabel('cf', {})).toBe('cf');
    expect(statusLabel('a-cf', { status: 'diverged' })).toBe('a-cf [diverged]');
    expect(methodOfLabel('a-cf+blend [chance]')).toBe('a-cf+blend');
    expect(methodOfLabel('cf')).toBe('cf');
  });

  it('a diverged seed gets its own row (n=1), the healthy seeds keep theirs; the paper comparison and speed-ups show both, labelled', () => {
    const rows = [
      row('a-cf', 0, 'ok'),
      row('a-cf', 1, 'ok', { testAcc: 0.82 }),
      row('a-cf', 2, 'diverged', { testAcc: 0.1, mia: 50 }),
      row('a-cf', 0, 'ok', { blend: true, seconds: 5 }),
    ];
    const table = singleRoundTable(rows);
    expect(table.methods()).toEqual(['a-cf', 'a-cf [diverged]', 'a-cf+blend']);
    expect(table.get('a-cf', 'uniform 10%', 'testAcc').n).toBe(2);
    expect(table.get('a-cf', 'uniform 10%', 'testAcc').mean).toBeCloseTo(0.81, 10);
    expect(table.get('a-cf [diverged]', 'uniform 10%', 'testAcc')).toMatchObject({ mean: 0.1, n: 1 });

    const paper = paperComparisonTable({ rows });
    const methods = paper.rows.map((r) => r[1]);
    expect(methods).toEqual(['a-cf', 'a-cf [diverged]', 'a-cf+blend']);
    // Rendered in percent beside the paper's percent.
    expect(paper.rows[1][8]).toBeCloseTo(10, 10);

    const speed = blendSpeedups({ rows });
    expect(speed.rows.map((r) => r[1])).toEqual(['a-cf', 'a-cf [diverged] / a-cf+blend']);
    expect(speed.rows[0][5]).toBeCloseTo(2, 10);
    // The speed-up table is written only where some method ran with Blend too (the main job runs none).
    const result = (rs: SingleRoundRow[]) => ({ preset: 'smoke', backend: 'wasm', seconds: 1, rows: rs, originals: [] }) as unknown as SingleRoundResult;
    expect(Object.keys(singleRoundOutput(result(rows)).tables)).toContain('speedups');
    expect(Object.keys(singleRoundOutput(result(rows.filter((x) => !x.blend))).tables)).not.toContain('speedups');
  });

  it('the SULI labels and the multi-round figure keep a flagged run as its own, marked series', () => {
    expect(suliLabel('suli')).toBe('SULI');
    expect(suliLabel('suli [diverged]')).toBe('SULI [diverged]');
    const mr = (seed: number, round: number, status: HealthStatus, blend = false): MultiRoundRow => ({
      seed, method: 'a-cf', blend, round, retainAcc: 0.9, forgetAcc: 0.8, testAcc: status === 'ok' ? 0.8 : 0.1, mia: 50, status, statusReason: '',
      unlearnSeconds: 1, blendSeconds: 0, seconds: 1, retainUsed: 100, forgetSize: 10, tensors: 0,
    });
    const rows = [mr(0, 0, 'ok'), mr(0, 1, 'ok'), mr(1, 0, 'ok'), mr(1, 1, 'diverged'), mr(0, 0, 'ok', true), mr(0, 1, 'ok', true)];
    const fig = multiRoundFigures({ rows } as Parameters<typeof multiRoundFigures>[0]).testAcc;
    const lines = fig.data.filter((t) => t.mode === 'lines+markers');
    expect(lines.map((t) => t.name)).toEqual(['a-cf', 'a-cf [diverged]', 'a-cf+blend']);
    // The healthy line averages the healthy seeds only; the flagged one is its own series, coloured like its method.
    expect(lines[0].y).toEqual([80, 80]);
    expect(lines[1].x).toEqual([1]);
    expect((lines[1].y as number[])[0]).toBeCloseTo(10, 10);
    expect((lines[1].line as { color: string }).color).toBe((lines[0].line as { color: string }).color);
    expect((lines[2].line as { dash?: string }).dash).toBe('dash');
  });
});

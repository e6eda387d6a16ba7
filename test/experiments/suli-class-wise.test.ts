import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { runSuliClassWise, suliClassWise, suliClassWiseNotes, suliRadarScores, type SuliClassWiseResult } from '../../lib/experiments/suli-class-wise';
import { SULI_PAPER_METHODS } from '../../lib/experiments/shared/suli-setting';
import { validateTable } from '../../lib/results';

const cacheDir = path.join(os.tmpdir(), 'unlearn-lab-suli-test-models');

describe('suli-class-wise (smoke preset)', () => {
  let r: SuliClassWiseResult;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    const before = tf.memory().numTensors;
    r = await runSuliClassWise({ preset: 'smoke', cacheDir });
    tensorsAfter = tf.memory().numTensors - before;
  }, 60_000);

  it('runs every method of Table 2 plus the original, with sane numbers', () => {
    expect(r.rows.map((x) => x.method)).toEqual(['original', ...SULI_PAPER_METHODS]);
    for (const row of r.rows) {
      for (const k of ['retainAcc', 'forgetAcc', 'testAcc', 'testRetainAcc', 'testForgetAcc'] as const) {
        expect(row[k]).toBeGreaterThanOrEqual(0);
        expect(row[k]).toBeLessThanOrEqual(1);
      }
      expect(row.mia).toBeGreaterThanOrEqual(0);
      expect(row.mia).toBeLessThanOrEqual(1);
      if (row.method !== 'original') {
        expect(row.seconds).toBeGreaterThan(0);
        expect(row.paperSeconds).toBeLessThanOrEqual(row.seconds + 1e-9);
        expect(row.updates).toBeGreaterThan(0);
      }
    }
    expect(r.forgetClass).toBe(r.rows.length > 0 ? 'T-shirt/top' : '');
  });

  it('SULI lowers forget accuracy below the original (class-wise target 0)', () => {
    const orig = r.rows.find((x) => x.method === 'original')!;
    const suli = r.rows.find((x) => x.method === 'suli')!;
    expect(orig.forgetAcc).toBeGreaterThan(0.5);
    expect(suli.forgetAcc).toBeLessThan(orig.forgetAcc);
  });

  it('frees every tensor it made (the cached original included)', () => {
    expect(tensorsAfter).toBe(0);
  });

  it('turns the result into Tables 2, 4, 5 with the paper beside ours, the gap to Retrain, a radar figure and notes', () => {
    const out = suliClassWise.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(['table2', 'gap', 'table4', 'table5']);
    // The gap: method - Retrain on the same seed, in points (the MIA as the attack's accuracy in %).
    const gap = out.tables.gap;
    const col = (name: string) => gap.columns.indexOf(name);
    const gapRow = (label: string) => gap.rows.find((x) => x[col('method')] === label)!;
    const retrain = r.rows.find((x) => x.method === 'retrain')!;
    const suliRun = r.rows.find((x) => x.method === 'suli')!;
    expect((gapRow('Retrain')[col('Avg. Gap')] as { mean: number }).mean).toBe(0);
    expect((gapRow('SULI')[col('forgetAcc gap')] as { mean: number }).mean).toBeCloseTo(100 * (suliRun.forgetAcc - retrain.forgetAcc), 9);
    expect((gapRow('SULI')[col('mia gap')] as { mean: number }).mean).toBeCloseTo(100 * (suliRun.mia - retrain.mia), 9);
    expect(gapRow('Original')).toBeDefined();
    for (const t of Object.values(out.tables)) validateTable(t);
    const suliRow = out.tables.table2.rows.find((x) => x[0] === 'SULI')!;
    expect(suliRow[5]).toBe('96.03 (sd 0.12)');
    // Ours in percent beside the paper's percent (one seed: the row's accuracies x 100).
    const suli = r.rows.find((x) => x.method === 'suli')!;
    expect(suliRow.slice(1, 5).map((c) => (c as { mean: number }).mean)).toEqual([100 * suli.retainAcc, 100 * suli.forgetAcc, 100 * suli.testRetainAcc!, 100 * suli.testForgetAcc!]);
    expect(out.figures).toHaveLength(1);
    for (const s of suliRadarScores(r)) {
      for (const v of s.values) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(out.notes!.join(' ')).toContain('SULI took forget accuracy');
    expect(JSON.parse(JSON.stringify(out.result))).toBeTruthy();
  });

  it('rejects an unknown dataset and an unknown method with a message naming the fix', async () => {
    await expect(runSuliClassWise({ preset: 'smoke', dataset: 'mnist' })).rejects.toThrow(/Unknown dataset 'mnist' for preset 'smoke'. Choose one of: fashion-mnist/);
    await expect(runSuliClassWise({ preset: 'smoke', methods: ['sulli'] })).rejects.toThrow(/Unknown unlearning method 'sulli'/);
    await expect(runSuliClassWise({ preset: 'smoke', methods: [] })).rejects.toThrow(/no methods given/);
  });
});

describe('suli-class-wise notes', () => {
  it('read retain accuracy among the methods that forgot, and the MIA against Retrain', () => {
    const row = (method: string, forgetAcc: number, retainAcc: number, mia: number) => ({ seed: 0, method, retainAcc, forgetAcc, testAcc: 0.8, testRetainAcc: 0.85, testForgetAcc: forgetAcc, mia, miaStd: 0.01, status: 'ok' as const, statusReason: '', seconds: 1, paperSeconds: 1, updates: 1 });
    const r = { forgetClass: 'T-shirt/top', paperDataset: 'CIFAR-10', rows: [row('original', 1, 1, 0.67), row('retrain', 0, 1, 0.53), row('adv-imp', 0.41, 1, 0.64), row('suli', 0, 0.98, 0.59), row('su', 0, 0.984, 0.57)] } as unknown as SuliClassWiseResult;
    const notes = suliClassWiseNotes(r).join('\n');
    expect(notes).toContain('Highest retain accuracy among the forget-set-only methods that took forget accuracy to 0: SU (98.40%)');
    expect(notes).toContain("MIA closest to Retrain's 0.530: SU 0.570, SULI 0.590, ADV+IMP 0.640");
  });
});

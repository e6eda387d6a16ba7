import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { runSuliInstanceWise, suliInstanceWise, suliInstanceWiseNotes, type SuliInstanceWiseResult } from '../../lib/experiments/suli-instance-wise';
import { validateTable } from '../../lib/results';

const cacheDir = path.join(os.tmpdir(), 'unlearn-lab-suli-test-models');
// The class-wise test runs every method; here a retain-set method, a baseline and both of the paper's, to stay fast.
const METHODS = ['retrain', 'neggrad', 'su', 'suli'];

describe('suli-instance-wise (smoke preset)', () => {
  let r: SuliInstanceWiseResult;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    const before = tf.memory().numTensors;
    r = await runSuliInstanceWise({ preset: 'smoke', cacheDir, counts: [12, 24], methods: METHODS });
    tensorsAfter = tf.memory().numTensors - before;
  }, 60_000);

  it('runs every method for every n, with sane numbers and the reference set', () => {
    for (const n of [12, 24]) {
      expect(r.rows.filter((x) => x.n === n).map((x) => x.method)).toEqual(['original', ...METHODS]);
    }
    for (const row of r.rows) {
      for (const k of ['retainAcc', 'forgetAcc', 'testAcc', 'referenceAcc'] as const) {
        expect(row[k]).toBeGreaterThanOrEqual(0);
        expect(row[k]).toBeLessThanOrEqual(1);
      }
      expect(row.testForgetAcc).toBeUndefined();
      expect(row.mia).toBeGreaterThanOrEqual(0);
      expect(row.mia).toBeLessThanOrEqual(1);
      if (row.method !== 'original') expect(row.seconds).toBeGreaterThan(0);
    }
    // The reference set is held out of the original's training and does not depend on n.
    const [a, b] = r.setups;
    expect(a.sizes.reference).toBeGreaterThan(0);
    expect(a.sizes.reference).toBe(b.sizes.reference);
    expect(a.sizes.forget).toBe(12);
    expect(b.sizes.forget).toBe(24);
    expect(a.sizes.forget + a.sizes.retain).toBe(b.sizes.forget + b.sizes.retain);
    expect(b.originalSource).toBe('cache');
  });

  it('the forget-only methods with a reference stop rule end at or below the target, or use their whole budget', () => {
    for (const n of [12, 24]) {
      const target = r.rows.find((x) => x.n === n && x.method === 'original')!.referenceAcc!;
      const suli = r.rows.find((x) => x.n === n && x.method === 'suli')!;
      const orig = r.rows.find((x) => x.n === n && x.method === 'original')!;
      expect(suli.forgetAcc <= target + 1e-9 || suli.forgetAcc <= orig.forgetAcc).toBe(true);
    }
  });

  it('frees every tensor it made', () => {
    expect(tensorsAfter).toBe(0);
  });

  it('turns the result into Tables 3, 4, 5 with the paper beside ours, a figure and notes', () => {
    const out = suliInstanceWise.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(['table3', 'gap', 'table4', 'table5']);
    for (const t of Object.values(out.tables)) validateTable(t);
    expect(out.tables.table3.rows).toHaveLength(2 * (1 + METHODS.length));
    // n = 12 / 24 are not in the paper: no paper cells.
    expect(out.tables.table3.rows[0].slice(6)).toEqual([null, null, null]);
    // Ours in percent (one seed: the row's accuracies x 100).
    const orig = r.rows.find((x) => x.n === 12 && x.method === 'original')!;
    expect(out.tables.table3.rows[0].slice(2, 6).map((c) => (c as { mean: number }).mean)).toEqual([100 * orig.retainAcc, 100 * orig.forgetAcc, 100 * orig.testAcc, 100 * orig.referenceAcc!]);
    expect(out.notes).toHaveLength(2);
    expect(out.figures).toHaveLength(1);
    // The gap to Retrain, per n and seed: Retrain's own row is 0, every other row is method - Retrain in points.
    const gap = out.tables.gap;
    const cell = (n: number, m: string, c: string) => (gap.rows.find((x) => x[0] === `n=${n}` && x[1] === m)![gap.columns.indexOf(c)] as { mean: number }).mean;
    const at = (n: number, m: string) => r.rows.find((x) => x.n === n && x.method === m)!;
    expect(cell(24, 'Retrain', 'Avg. Gap')).toBe(0);
    expect(cell(24, 'SULI', 'forgetAcc gap')).toBeCloseTo(100 * (at(24, 'suli').forgetAcc - at(24, 'retrain').forgetAcc), 10);
    expect(cell(12, 'SU', 'mia gap')).toBeCloseTo(100 * (at(12, 'su').mia - at(12, 'retrain').mia), 10);
    // Retrain near-black, Original grey dotted; the methods in palette colours, none of them grey.
    const lines = Object.fromEntries(out.figures![0].figure.data.map((t) => [String(t.name), t.line as { color: string; dash?: string }]));
    expect(lines.Retrain.color).toBe('#222222');
    expect(lines.Original.dash).toBe('dot');
    for (const m of ['NegGrad', 'SU', 'SULI']) expect(['#222222', '#7a7a7a', '#7f7f7f']).not.toContain(lines[m].color);
    expect(out.notes![0]).toMatch(/Retrain: forget [\d.]+%, test [\d.]+%, MIA [\d.]+; closest to it \(Avg\. Gap\): /);
  });

  it('rejects forget-set sizes the 10-fold MIA cannot score', async () => {
    await expect(runSuliInstanceWise({ preset: 'smoke', counts: [8] })).rejects.toThrow(/counts must be integers >= 10/);
  });
});

describe('suli-instance-wise notes', () => {
  it('name the best test accuracy among the methods that reached the stop target, not one that never moved', () => {
    const row = (method: string, forgetAcc: number, testAcc: number) => ({ seed: 0, n: 64, method, retainAcc: 0.99, forgetAcc, testAcc, referenceAcc: 0.83, mia: 0.5, miaStd: 0.01, status: 'ok' as const, statusReason: '', seconds: 1, updateSeconds: 1, updates: 1 });
    const r = { counts: [64], rows: [row('original', 1, 0.86), row('adv-imp', 0.98, 0.85), row('suli', 0.8, 0.8), row('su', 0.82, 0.78)] } as unknown as SuliInstanceWiseResult;
    const [note] = suliInstanceWiseNotes(r);
    expect(note).toContain('reached by SULI, SU.');
    expect(note).toContain('Best test accuracy of those that reached it: SULI 80.00');
    // Without Retrain rows there is nothing to read against: no Retrain sentence.
    expect(note).not.toContain('Retrain:');
    const rows = [row('original', 0.99, 0.86), row('retrain', 0.85, 0.86), row('adv-imp', 0.98, 0.85), row('suli', 0.8, 0.79), row('su', 0.82, 0.81)];
    const withRetrain = suliInstanceWiseNotes({ counts: [64], rows } as unknown as SuliInstanceWiseResult)[0];
    // Avg. Gap = mean |gap| in points over retain, forget, test accuracy and MIA: SU (0, 3, 5, 0) 2, SULI (0, 5, 7, 0) 3,
    // ADV+IMP (0, 13, 1, 0) 3.5, original (0, 14, 0, 0) 3.5.
    expect(withRetrain).toMatch(/Retrain: forget 85\.0%, test 86\.0%, MIA 0\.500; closest to it \(Avg\. Gap\): SU 2\.0, SULI 3\.0, ADV\+IMP 3\.5, original 3\.5\.$/);
  });
});

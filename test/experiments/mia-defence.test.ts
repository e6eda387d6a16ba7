import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { memorisedSplit } from '../../lib/data/splits';
import { init } from '../../lib/engine/init';
import { DP_ADAM, miaDefence, runMiaDefence, type MiaDefenceResult } from '../../lib/experiments/mia-defence';
import { writeExperimentOutput } from '../../lib/experiments/shared/output';
import { mergeSeedResults } from '../../lib/sweep/seed-merge';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-mia-defence-'));

describe('mia-defence runner (smoke preset)', () => {
  let r: MiaDefenceResult;
  let tensorsBefore = 0;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await runMiaDefence({ preset: 'smoke', cacheDir });
    tensorsAfter = tf.memory().numTensors;
  }, 600_000);

  it('measures Original, DP-Adam, the modular method and Retrain on both memorised sets', () => {
    for (const selection of ['intended', 'reference', 'intended-log']) {
      expect(r.rows.filter((x) => x.selection === selection).map((x) => x.method)).toEqual(['original', DP_ADAM, 'modular', 'retrain']);
    }
    for (const row of r.rows) {
      expect(row.miaLoss).toBeGreaterThanOrEqual(0);
      expect(row.miaLoss).toBeLessThanOrEqual(100);
      expect(row.attackAuc).toBeGreaterThanOrEqual(0);
      expect(row.attackAuc).toBeLessThanOrEqual(1);
      expect(row.attackAdvantage).toBeGreaterThanOrEqual(0);
    }
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('the intended set holds the lowest overfitting scores; the reference set has its size and is not it', () => {
    const [intended, reference] = ['intended', 'reference'].map((sel) => r.sets.find((s) => s.selection === sel)!);
    expect(intended.forgetSize).toBe(r.scores[0].values.filter((v) => v <= r.scores[0].threshold).length);
    expect(intended.sharedWithIntended).toBe(1);
    expect(intended.meanScoreForget).toBeLessThan(intended.meanScoreRetain);
    expect(reference.forgetSize).toBe(intended.forgetSize);
    expect(reference.sharedWithIntended).toBeLessThan(1);
    const log = r.sets.find((s) => s.selection === 'intended-log')!;
    expect(log.meanScoreForget).toBeLessThan(log.meanScoreRetain);
  });

  it('DP-Adam spends the target epsilon (to the accountant tolerance) with the reference delta', () => {
    expect(r.dp).toHaveLength(1);
    const d = r.dp[0];
    expect(d.epsilon).toBeLessThanOrEqual(10);
    expect(d.epsilon).toBeGreaterThan(9.9);
    expect(d.delta).toBe(0.1);
    expect(d.noiseMultiplier).toBeGreaterThan(0);
  });

  it('writes its tables, the score histogram and one dot plot per set', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-defence-out-'));
    const out = miaDefence.output(r, { preset: 'smoke' });
    // Smoke models sit at chance, so Retrain is flagged and no gap table is made: the gap tables are checked on cpu results.
    expect(Object.keys(out.tables).filter((k) => !k.startsWith('gap-'))).toEqual(['table-intended', 'table-reference', 'table-intended-log', 'memorised-sets', 'dp-adam', 'paper-comparison']);
    expect(out.figures).toHaveLength(5);
    const files = await writeExperimentOutput(dir, out);
    expect(files.some((f) => f.endsWith('report.html'))).toBe(true);
    expect(out.tables['paper-comparison'].rows.map((x) => String(x[1]).replace(/ \[.*\]$/, ''))).toEqual(['original', 'original', 'original', 'modular', 'modular', 'modular', DP_ADAM, DP_ADAM, DP_ADAM]);
  });
});

describe('mia-defence seed cells', () => {
  it('merge into one result over the seeds (a sweep runs one seed per cell)', () => {
    const cell = (seed: number) => ({
      experiment: 'mia-defence', preset: 'smoke', backend: 'wasm', seconds: 10,
      rows: [{ seed, selection: 'intended', method: 'original', retainAcc: 0.9, forgetAcc: 1, testAcc: 0.8 + seed / 100, mia: 60, miaLoss: 60, attackAuc: 0.6, attackAdvantage: 0.2, seconds: NaN }],
      sets: [{ seed, selection: 'intended', threshold: 1, forgetSize: 5, trainSize: 50, sharedWithIntended: 1, meanScoreForget: 0.5, meanScoreRetain: 2 }],
      dp: [{ seed, epsilon: 9.99, delta: 0.1, noiseMultiplier: 1, samplingRate: 0.5, steps: 4, clippedFraction: 1, seconds: 3 }],
      scores: [{ seed, threshold: 1, logThreshold: 0, values: [0.5, 2] }],
    });
    const m = mergeSeedResults('mia-defence', [cell(0), cell(1)]) as MiaDefenceResult;
    expect(m.rows.map((x) => x.seed)).toEqual([0, 1]);
    expect(m.scores.map((x) => x.seed)).toEqual([0, 1]);
    expect(m.seconds).toBe(20);
    const c = m.table.rows.find((x) => x.method === 'original')!.cells.testAcc!;
    expect(c.mean).toBeCloseTo(0.805, 10);
    expect(c.n).toBe(2);
  });
});

describe('memorisedSplit', () => {
  const ds = { name: 'toy', split: 'train', ids: Int32Array.from([10, 11, 12, 13, 14, 15]), labels: new Int32Array(6), classNames: ['a'] };
  it('forgets the samples at or below the threshold; the reference selection maps them through a permutation', () => {
    const scores = [0.1, 5, 0.2, 6, 7, 0.3];
    expect(Array.from(memorisedSplit(ds, scores, { threshold: 0.3, selection: 'intended' }).forget)).toEqual([10, 12, 15]);
    const ref = memorisedSplit(ds, scores, { threshold: 0.3, selection: 'reference', seed: 4 });
    expect(ref.forget.length).toBe(3);
    expect(ref.forget.length + ref.retain.length).toBe(6);
  });
  it('rejects bad input with a clear error', () => {
    expect(() => memorisedSplit(ds, [1, 2], { threshold: 1, selection: 'intended' })).toThrow(/2 scores for 6 samples/);
    expect(() => memorisedSplit(ds, [1, 2, 3, 4, 5, 6], { threshold: 0, selection: 'intended' })).toThrow(/no sample scores <= 0/);
    expect(() => memorisedSplit(ds, [1, 2, 3, 4, 5, 6], { threshold: 9, selection: 'intended' })).toThrow(/nothing would be retained/);
    expect(() => memorisedSplit(ds, [1, 2, 3, 4, 5, 6], { threshold: 2, selection: 'reference' })).toThrow(/needs a seed/);
  });
});

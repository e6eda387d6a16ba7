import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { multiRound, multiRoundFigures, runMultiRound, MULTI_ROUND_METHODS, type MultiRoundResult } from '../../lib/experiments/multi-round';
import { writeExperimentOutput } from '../../lib/experiments/shared/output';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-multi-round-'));
const METHODS = ['cf', 'a-cf', 'scrub'];

describe('multi-round runner (smoke preset)', () => {
  let r: MultiRoundResult;
  let tensorsBefore = 0;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await runMultiRound({ preset: 'smoke', methods: METHODS, cacheDir });
    tensorsAfter = tf.memory().numTensors;
  }, 300_000);

  it('runs every method for 3 rounds, without and with Blend', () => {
    expect(r.rows).toHaveLength(METHODS.length * 2 * 3);
    for (const row of r.rows) {
      for (const v of [row.retainAcc, row.forgetAcc, row.testAcc]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(row.mia).toBeGreaterThanOrEqual(0);
      expect(row.mia).toBeLessThanOrEqual(100);
      expect(row.unlearnSeconds).toBeGreaterThan(0);
      expect(row.seconds).toBeCloseTo(row.unlearnSeconds + row.blendSeconds, 9);
    }
    expect(MULTI_ROUND_METHODS).toEqual(['retrain', 'cf', 'a-cf', 'l1-sparse', 'a-l1', 'scrub', 'a-scrub']);
  });

  it('forgets 10% of the current retain set each round; the forget set of a round holds only new samples', () => {
    const red = r.reductions;
    expect(red.map((x) => x.round)).toEqual([0, 1, 2]);
    const train = red[0].retain + red[0].forget;
    expect(red[0].forget).toBe(Math.floor(0.1 * train));
    for (let k = 1; k < 3; k++) {
      expect(red[k].forget).toBe(Math.floor(0.1 * red[k - 1].retain));
      expect(red[k].retain).toBe(red[k - 1].retain - red[k].forget);
      expect(red[k].cumulativeForget).toBe(red[k - 1].cumulativeForget + red[k].forget);
    }
    for (const row of r.rows) expect(row.forgetSize).toBe(red[row.round].forget);
  });

  it('with Blend: k-means once (round 0), a reduced set every round, Blend time added to every round', () => {
    expect(r.reductions[0].timing.kmeans).toBeGreaterThan(0);
    for (const x of r.reductions.slice(1)) expect(x.timing.kmeans ?? 0).toBe(0);
    for (const x of r.reductions) {
      expect(x.reduced).toBeLessThan(x.retain);
      expect(x.ratio).toBeCloseTo(x.reduced / x.retain, 9);
    }
    for (const row of r.rows) {
      if (row.blend) {
        const t = r.reductions[row.round].timing;
        expect(row.blendSeconds).toBeCloseTo((t.kmeans ?? 0) + (t.condensation ?? 0), 9);
        expect(row.retainUsed).toBe(r.reductions[row.round].reduced);
      } else {
        expect(row.blendSeconds).toBe(0);
        expect(row.retainUsed).toBe(r.reductions[row.round].retain);
      }
    }
  });

  it('measures the original model on every round\'s sets (no training)', () => {
    expect(r.originals!.map((x) => x.round)).toEqual([0, 1, 2]);
    for (const o of r.originals!) {
      for (const v of [o.retainAcc, o.forgetAcc, o.testAcc]) expect(v).toBeGreaterThan(0);
      expect(o.mia).toBeGreaterThanOrEqual(0);
      expect(o.mia).toBeLessThanOrEqual(100);
    }
  });

  it('keeps tf.memory().numTensors flat across rounds and leaves nothing behind', () => {
    for (const m of METHODS) {
      for (const blend of [false, true]) {
        const counts = r.rows.filter((x) => x.method === m && x.blend === blend).map((x) => x.tensors);
        expect(counts).toHaveLength(3);
        expect(new Set(counts).size).toBe(1);
      }
    }
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('writes the per-round table, Fig. 4 figures and the paper comparison', async () => {
    const out = multiRound.output(r, { preset: 'smoke' });
    // The original model on each round's sets first, then every method and variant per round.
    expect(out.tables.rounds.rows).toHaveLength(3 + METHODS.length * 2 * 3);
    expect(out.tables.rounds.rows.slice(0, 3).map((x) => [x[0], x[1]])).toEqual([0, 1, 2].map((k) => [`round ${k}`, 'original']));
    // No Retrain run in the smoke methods: no gap table, and the notes say so.
    expect(out.tables['gap-to-retrain']).toBeUndefined();
    expect(out.notes!.join(' ')).toMatch(/No Retrain run/);
    expect(out.tables['paper-comparison'].rows.length).toBeGreaterThan(5);
    const figs = multiRoundFigures(r);
    expect(Object.keys(figs)).toEqual(['testAcc', 'retainAcc', 'forgetAcc', 'mia', 'seconds']);
    const lines = figs.testAcc.data.filter((t) => t.mode === 'lines+markers');
    expect(lines.map((t) => t.name)[0]).toBe('original');
    // One panel per method family (cf with a-cf; scrub), each with the original: 2 + 3 x 2 lines.
    expect((figs.testAcc.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(['cf and a-cf', 'scrub']);
    expect(lines).toHaveLength(2 + METHODS.length * 2);
    // The ideal MIA score, dashed, in the MIA figure; the original has no line in the time figure.
    expect(figs.mia.data.some((t) => t.mode === 'lines' && (t.y as number[]).every((y) => y === 50))).toBe(true);
    expect(figs.seconds.data.some((t) => t.name === 'original')).toBe(false);
    // The figure shows accuracies in percent: one seed, so the points are the rows' accuracies x 100.
    const cfRows = r.rows.filter((x) => x.method === 'cf' && !x.blend).sort((a, b) => a.round - b.round);
    expect(lines.find((t) => t.name === 'cf')!.y).toEqual(cfRows.map((x) => 100 * x.testAcc));
    // A method keeps its colour; the Blend variant is dashed.
    const cf = lines.find((t) => t.name === 'cf')!.line as { color: string; dash?: string };
    const cfBlend = lines.find((t) => t.name === 'cf+blend')!.line as { color: string; dash?: string };
    expect(cfBlend.color).toBe(cf.color);
    expect([cf.dash, cfBlend.dash]).toEqual([undefined, 'dash']);
    const dir = path.join(cacheDir, 'out');
    const files = await writeExperimentOutput(dir, { ...out, figures: out.figures!.slice(0, 1) });
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['results.json', 'rounds.csv', 'paper-comparison.csv', 'report.html']));
  }, 120_000);

  it('rejects bad input with clear errors', async () => {
    await expect(runMultiRound({ preset: 'smoke', methods: ['nope'] })).rejects.toThrow(/Unknown unlearning method 'nope'/);
    await expect(runMultiRound({ preset: 'smoke', methods: [] })).rejects.toThrow(/no methods given/);
    await expect(runMultiRound({ preset: 'smoke', variants: ['half' as never] })).rejects.toThrow(/variants must be/);
    await expect(runMultiRound({ preset: 'laptop' as never })).rejects.toThrow(/Unknown preset 'laptop'/);
  });
});

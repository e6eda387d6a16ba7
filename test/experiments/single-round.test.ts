import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { BLEND_PAPER_METHODS } from '../../lib/experiments/single-round';
import { runSingleRound, singleRound, type SingleRoundResult } from '../../lib/experiments/single-round';
import { writeExperimentOutput } from '../../lib/experiments/shared/output';
import { capped, parseForgetRequest } from '../../lib/experiments/shared/scenario';
import { loadDataset } from '../../lib/data/loaders';
import { SINGLE_ROUND_PRESETS } from '../../lib/experiments/single-round';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-single-round-'));

describe('single-round runner (smoke preset)', () => {
  let r: SingleRoundResult;
  let tensorsBefore = 0;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await runSingleRound({ preset: 'smoke', methods: ['retrain', 'cf', 'a-cf'], cacheDir });
    tensorsAfter = tf.memory().numTensors;
  }, 300_000);

  it('runs every method on both forget requests, without and with Blend', () => {
    expect(r.rows).toHaveLength(3 * 2 * 2);
    for (const row of r.rows) {
      // Accuracies are fractions; tables render them in percent.
      for (const v of [row.retainAcc, row.forgetAcc, row.testAcc]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(row.mia).toBeGreaterThanOrEqual(0);
      expect(row.mia).toBeLessThanOrEqual(100);
      expect(row.seconds).toBeGreaterThan(0);
      if (row.blend) expect(row.kmeansSeconds + row.condensationSeconds).toBeGreaterThan(0);
    }
  });

  it('the Blend variant trains on a smaller retain set', () => {
    for (const s of r.setups) expect(s.sizes.reducedRetain).toBeLessThan(s.sizes.retain);
    const full = r.rows.find((x) => x.method === 'cf' && !x.blend)!;
    const blend = r.rows.find((x) => x.method === 'cf' && x.blend && x.scenario === full.scenario)!;
    expect(blend.retainUsed).toBeLessThan(full.retainUsed);
  });

  it('class-wise retraining never saw the class: forget accuracy 0', () => {
    for (const row of r.rows.filter((x) => x.method === 'retrain' && x.scenario.startsWith('class'))) expect(row.forgetAcc).toBe(0);
  });

  it('measures the original model once per scenario and seed (no training), as the methods are measured', () => {
    expect(r.originals!.map((x) => x.scenario)).toEqual([...new Set(r.rows.map((x) => x.scenario))]);
    for (const o of r.originals!) {
      for (const v of [o.retainAcc, o.forgetAcc, o.testAcc]) expect(v).toBeGreaterThan(0);
      expect(o.mia).toBeGreaterThanOrEqual(0);
      expect(o.mia).toBeLessThanOrEqual(100);
    }
  });

  it('leaves no tensors behind', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('writes results.json, CSVs and an HTML report with the paper beside ours', async () => {
    const out = singleRound.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(expect.arrayContaining(['speedups', 'paper-comparison']));
    expect(out.tables['paper-comparison'].rows.length).toBe(3 * 2 * 2);
    // One seed: the rendered cells are the row's accuracies in percent (the MIA score as it is).
    const cf = r.rows.find((x) => x.method === 'cf' && !x.blend && x.scenario.startsWith('class'))!;
    const table = out.tables[`table-${cf.scenario.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`];
    // Original and Retrain first: every method is read against them.
    expect(table.rows.slice(0, 2).map((x) => x[1])).toEqual(['original', 'retrain']);
    const shown = table.rows.find((x) => x[1] === 'cf')!;
    expect(table.columns.slice(2, 6)).toEqual(['retainAcc', 'forgetAcc', 'testAcc', 'mia']);
    expect(shown.slice(2, 6).map((c) => (c as { mean: number }).mean)).toEqual([100 * cf.retainAcc, 100 * cf.forgetAcc, 100 * cf.testAcc, cf.mia]);
    const paperRow = out.tables['paper-comparison'].rows.find((x) => x[0] === cf.scenario && x[1] === 'cf')!;
    expect([paperRow[2], paperRow[4], paperRow[6], paperRow[8]]).toEqual([cf.mia, 100 * cf.retainAcc, 100 * cf.forgetAcc, 100 * cf.testAcc]);
    // The gap table right under each scenario's table; Retrain's gap to itself is 0.
    const slug = cf.scenario.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
    expect(Object.keys(out.tables).indexOf(`gap-${slug}`)).toBe(Object.keys(out.tables).indexOf(`table-${slug}`) + 1);
    const gap = out.tables[`gap-${slug}`];
    expect((gap.rows.find((x) => x[1] === 'retrain')![gap.columns.indexOf('Avg. Gap')] as { mean: number }).mean).toBe(0);
    expect(out.figures).toHaveLength(2);
    const dir = path.join(cacheDir, 'out');
    const files = await writeExperimentOutput(dir, out);
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['results.json', 'report.html', 'paper-comparison.csv']));
    expect(fs.readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('data:image/png;base64,');
  }, 120_000);

  it('rejects unknown methods and presets with clear errors', async () => {
    await expect(runSingleRound({ preset: 'smoke', methods: ['nope'] })).rejects.toThrow(/Unknown unlearning method 'nope'/);
    await expect(runSingleRound({ preset: 'laptop' as never })).rejects.toThrow(/Unknown preset 'laptop'/);
    expect(BLEND_PAPER_METHODS).toContain('a-cf');
  });

  it('--forget ids:<file> forgets exactly those training samples; --save keeps each unlearned model and its per-sample losses', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-single-round-save-'));
    const idsFile = path.join(dir, 'forget.txt');
    // The smoke preset's training set (40 images per class, drawn with seed 0), as the runner builds it.
    const train = capped(loadDataset('fashion-mnist', 'train'), SINGLE_ROUND_PRESETS.smoke.data.trainPerClass, 0);
    const ids = Array.from(train.ids.slice(0, 7));
    fs.writeFileSync(idsFile, `# seven samples\n${ids.join('\n')}\n`);
    const res = await runSingleRound({ preset: 'smoke', methods: ['cf'], forget: `ids:${idsFile}`, save: ['models', 'losses'], outDir: dir, cacheDir, variants: ['full'] });
    expect(res.rows.map((x) => x.scenario)).toEqual(['ids of forget.txt']);
    const losses = JSON.parse(fs.readFileSync(path.join(dir, 'losses', 'ids-of-forget.txt-cf-seed0.json'), 'utf8')) as { forget: { ids: number[]; losses: number[] }; retain: { ids: number[] } };
    expect(losses.forget.ids).toEqual([...ids].sort((a, b) => a - b));
    expect(losses.forget.losses.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(losses.retain.ids).toHaveLength(400 - 7);
    expect(fs.existsSync(path.join(dir, 'models', 'ids-of-forget.txt-cf-seed0.ckpt'))).toBe(true);
    await expect(runSingleRound({ preset: 'smoke', methods: ['cf'], forget: `ids:${path.join(dir, 'missing.txt')}`, cacheDir })).rejects.toThrow(/missing\.txt: the file does not exist/);
    fs.writeFileSync(idsFile, '12345678\n');
    await expect(runSingleRound({ preset: 'smoke', methods: ['cf'], forget: `ids:${idsFile}`, cacheDir })).rejects.toThrow(/line 1: id 12345678 is not in the training set/);
    await expect(runSingleRound({ preset: 'smoke', methods: ['cf'], save: ['losses'], cacheDir })).rejects.toThrow(/--save needs the results folder/);
    expect(() => parseForgetRequest('class:')).toThrow('--forget class:: name at least one class, e.g. class:0 or class:0+3.');
    expect(() => parseForgetRequest('uniform:2')).toThrow(/the fraction must be a number in \(0, 1\)/);
    expect(() => parseForgetRequest('half')).toThrow(/not a forget request\. Use uniform:<fraction>/);
    expect(parseForgetRequest('partial:0.1:1+trouser')).toEqual({ kind: 'partial', fraction: 0.1, classes: [1, 'trouser'] });
  }, 300_000);
});

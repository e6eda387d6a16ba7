import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import {
  candidatesTable,
  memorisationRegime,
  MEMORISATION_REGIME_PRESETS,
  miaDotPlot,
  PROGRESS_FILE,
  runMemorisationRegime,
  type MemorisationRegimeResult,
} from '../../lib/experiments/memorisation-regime';
import { getExperiment } from '../../lib/experiments/registry';
import { runExperiment } from '../../lib/experiments/run-experiment';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-memorisation-regime-'));
const cacheDir = path.join(root, 'cache');
const tmp = (name: string) => path.join(root, name);
const smoke = MEMORISATION_REGIME_PRESETS.smoke;
const readProgress = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, PROGRESS_FILE), 'utf8')) as { cells: { key: string; candidate: string }[] };
/** The numbers of a result's cells, without when they were finished. */
const numbers = (r: MemorisationRegimeResult) => r.cells.map((c) => ({ ...c, finishedAt: undefined }));

describe('memorisation-regime (smoke preset)', () => {
  const outDir = tmp('direct');
  let first: MemorisationRegimeResult;
  let tensorsBefore = 0;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    first = await runMemorisationRegime({ preset: 'smoke', cacheDir, outDir });
    tensorsAfter = tf.memory().numTensors;
  }, 300_000);

  it('trains the original and Retrain of every candidate and measures both', () => {
    expect(first.cells.map((c) => c.candidate)).toEqual(smoke.candidates.map((c) => c.name));
    expect(first.computed).toBe(smoke.candidates.length);
    expect(first.resumed).toBe(0);
    for (const c of first.cells) {
      expect(c.separation).toBe(c.original.mia - c.retrain.mia);
      expect(c.sizes).toMatchObject({ train: 400, forget: 40, retain: 360, testEval: 120 });
      for (const m of [c.original, c.retrain]) {
        for (const v of [m.trainAcc, m.retainAcc, m.forgetAcc, m.testAcc]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(m.gap).toBeCloseTo(m.trainAcc - m.testAcc, 12);
        expect(m.trainAcc).toBeCloseTo((40 * m.forgetAcc + 360 * m.retainAcc) / 400, 12);
        expect(m.mia).toBeGreaterThanOrEqual(0);
        expect(m.mia).toBeLessThanOrEqual(100);
        expect(m.seconds).toBeGreaterThan(0);
      }
    }
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('keeps every finished cell in the progress file, and a rerun retrains nothing', async () => {
    expect(readProgress(outDir).cells.map((c) => c.candidate)).toEqual(smoke.candidates.map((c) => c.name));
    const again = await runMemorisationRegime({ preset: 'smoke', cacheDir, outDir });
    expect(again.computed).toBe(0);
    expect(again.resumed).toBe(smoke.candidates.length);
    expect(numbers(again)).toEqual(numbers(first));
  });

  it('a run killed after the first candidate resumes with the second only', async () => {
    const dir = tmp('killed');
    fs.mkdirSync(dir);
    const p = readProgress(outDir);
    // What a run killed during the second candidate leaves: the first cell only.
    fs.writeFileSync(path.join(dir, PROGRESS_FILE), JSON.stringify({ ...p, cells: p.cells.slice(0, 1) }));
    const lines: string[] = [];
    const r = await runMemorisationRegime({ preset: 'smoke', cacheDir, outDir: dir, log: (l) => lines.push(l) });
    expect([r.computed, r.resumed]).toEqual([1, 1]);
    expect(lines.find((l) => l.startsWith(smoke.candidates[0].name))).toContain('(resumed)');
    expect(readProgress(dir).cells).toHaveLength(2);
  }, 120_000);

  it('sets a corrupt progress file aside with a notice and computes its cells again', async () => {
    const dir = tmp('corrupt');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, PROGRESS_FILE), '{"experiment": "memorisation-regime", "version": 1, "cells": [{"key": "abc", "cand');
    const lines: string[] = [];
    const r = await runMemorisationRegime({ preset: 'smoke', cacheDir, outDir: dir, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/The progress file is unreadable: .*progress\.json is not valid JSON.*Set it aside as .*progress\.json\.corrupt-/);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(`${PROGRESS_FILE}.corrupt-`))).toHaveLength(1);
    expect(r.computed).toBe(smoke.candidates.length);
    expect(numbers(r).map((c) => c.original.mia)).toEqual(numbers(first).map((c) => c.original.mia));
    // A well-formed file whose cells lack numbers is not trusted either.
    fs.writeFileSync(path.join(dir, PROGRESS_FILE), JSON.stringify({ experiment: 'memorisation-regime', version: 1, cells: [{ key: 'k', candidate: 'x', seed: 0 }], lira: [] }));
    const lines2: string[] = [];
    await runMemorisationRegime({ preset: 'smoke', cacheDir, outDir: dir, log: (l) => lines2.push(l) });
    expect(lines2.join('\n')).toMatch(/cell 0 original is missing/);
  }, 120_000);

  it('tables and figure: one row per candidate, meets no (the smoke forget set is 40 < 300), MIA dots with a line at 50', () => {
    const out = memorisationRegime.output(first, { preset: 'smoke' });
    const t = candidatesTable(first);
    expect(out.tables.candidates).toEqual(t);
    expect(t.columns).toEqual(['candidate', 'recipe', 'trainAcc', 'testAcc', 'gap', 'miaOriginal', 'miaRetrain', 'separation', 'seconds', 'meets']);
    expect(t.rows.map((r) => r[0])).toEqual(smoke.candidates.map((c) => c.name));
    const c0 = first.cells[0];
    const cell = (j: number) => (t.rows[0][j] as { mean: number }).mean;
    expect([cell(2), cell(3), cell(4), cell(5), cell(6), cell(7)]).toEqual([100 * c0.original.trainAcc, 100 * c0.original.testAcc, 100 * c0.original.gap, c0.original.mia, c0.retrain.mia, c0.separation]);
    expect(t.rows.every((r) => r[9] === 'no')).toBe(true);
    const fig = miaDotPlot(first);
    expect(fig.data.map((d) => d.name)).toEqual(['original', 'Retrain']);
    expect(fig.data[0].x).toEqual(smoke.candidates.map((c) => c.name));
    expect(fig.data[0].y).toEqual(first.cells.map((c) => c.original.mia));
    expect((fig.layout.shapes as { y0: number }[]).map((s) => s.y0)).toEqual([50, 56]);
  });

  it('through the CLI path: results.json doubles as the progress of a finished run', async () => {
    const dir = tmp('cli');
    const { output, files } = await runExperiment('memorisation-regime', { preset: 'smoke', outDir: dir, command: 'test', cacheDir });
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['results.json', 'candidates.csv', 'retrain.csv', 'report.html']));
    // The committed folder replaced the one the progress file was written into; results.json holds the cells.
    expect(fs.existsSync(path.join(dir, PROGRESS_FILE))).toBe(false);
    const again = await runExperiment('memorisation-regime', { preset: 'smoke', outDir: dir, command: 'test', cacheDir });
    const r = again.output.result as MemorisationRegimeResult;
    expect([r.computed, r.resumed]).toEqual([0, smoke.candidates.length]);
    expect(r.cells).toEqual((output.result as MemorisationRegimeResult).cells);
  }, 180_000);

  it('LiRA audit of a named candidate: offline and online, original and Retrain; resumed on a rerun', async () => {
    const dir = tmp('lira');
    const name = smoke.candidates[1].name;
    const r = await runMemorisationRegime({ preset: 'smoke', cacheDir, outDir: dir, candidate: name, shadows: 2 });
    expect(r.lira).toHaveLength(1);
    const l = r.lira[0];
    expect(l).toMatchObject({ candidate: name, shadows: 2, populationSize: 400 + 120, members: 40, nonMembers: 120 });
    for (const v of [l.offline, l.online]) {
      for (const m of [v.original, v.retrain]) {
        expect(m.auc).toBeGreaterThanOrEqual(0);
        expect(m.auc).toBeLessThanOrEqual(1);
        expect(m.tprAt1pctFpr).toBeGreaterThanOrEqual(m.tprAt0_1pctFpr);
      }
    }
    expect(memorisationRegime.output(r, { preset: 'smoke' }).tables.lira.rows).toHaveLength(4);
    const again = await runMemorisationRegime({ preset: 'smoke', cacheDir, outDir: dir, candidate: name, shadows: 2 });
    expect(again.computed).toBe(0);
    expect(again.lira[0].online).toEqual(l.online);
  }, 180_000);

  it('rejects bad LiRA flags before any training, and is registered', async () => {
    await expect(runMemorisationRegime({ preset: 'smoke', shadows: 3 })).rejects.toThrow('--shadows must be 0 (no LiRA audit) or an even integer >= 2, got 3');
    await expect(runMemorisationRegime({ preset: 'smoke', shadows: 2, candidate: 'nope' })).rejects.toThrow(/unknown candidate 'nope'\. Candidates of preset smoke: n40-w8-sgd0\.05/);
    await expect(runMemorisationRegime({ preset: 'smoke', candidate: smoke.candidates[0].name })).rejects.toThrow('pass --shadows <n> too');
    await expect(runMemorisationRegime({ preset: 'smoke', methods: ['cf'] })).rejects.toThrow('memorisation-regime: --methods is not an option of this experiment');
    expect(getExperiment('memorisation-regime').flags).toEqual(['seeds', 'candidate', 'shadows']);
  });
});

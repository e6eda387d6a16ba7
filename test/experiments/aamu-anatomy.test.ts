import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { timeToForgetAcc, timeToMia } from '../../lib/experiments/aamu-anatomy/time-to-retrain';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { aamuAnatomy, aamuAnatomyFigures, runAamuAnatomy, PAPER_AAMU, type AamuAnatomyResult } from '../../lib/experiments/aamu-anatomy';
import { writeExperimentOutput } from '../../lib/experiments/shared/output';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-aamu-anatomy-'));

describe('aamu-anatomy runner (smoke preset)', () => {
  let r: AamuAnatomyResult;
  let tensorsBefore = 0;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await runAamuAnatomy({ preset: 'smoke', cacheDir });
    tensorsAfter = tf.memory().numTensors;
  }, 300_000);

  it('takes the regulariser apart: every stage has one value per sample, in its range', () => {
    const a = r.anatomy;
    expect(a.k).toBe(PAPER_AAMU.k);
    expect(a.forget.loss.length).toBe(Math.min(64, r.sizes.forget));
    expect(a.test.loss.length).toBeGreaterThan(1);
    for (const set of [a.forget, a.test]) {
      const n = set.loss.length;
      for (const key of ['log1p', 'cdf', 'z', 'zPaper'] as const) expect(set[key]).toHaveLength(n);
      for (let i = 0; i < n; i++) {
        expect(set.loss[i]).toBeGreaterThanOrEqual(0);
        expect(set.log1p[i]).toBeCloseTo(Math.log1p(set.loss[i]), 4);
        // The reference ReLU: pairs with u_i <= u_j add sigmoid(0) = 0.5, so F >= 0.5 and z >= 0.
        expect(set.cdf[i]).toBeGreaterThanOrEqual(0.5 - 1e-4);
        expect(set.cdf[i]).toBeLessThan(1);
        expect(set.z[i]).toBeGreaterThanOrEqual(-1e-3);
      }
      // Larger loss -> larger smoothed CDF (monotone map).
      const order = set.loss.map((_, i) => i).sort((i, j) => set.loss[i] - set.loss[j]);
      for (let t = 1; t < n; t++) expect(set.cdf[order[t]]).toBeGreaterThanOrEqual(set.cdf[order[t - 1]] - 1e-5);
      // The paper's formula (no ReLU) centres z near 0: some values are negative.
      expect(Math.min(...set.zPaper)).toBeLessThan(0);
    }
  });

  it('the kernel decomposition adds up to miaRegulariser (MMD^2 = ff + tt - 2 ft)', () => {
    const { ff, tt, ft } = r.anatomy.kernel;
    expect(ff + tt - 2 * ft).toBeCloseTo(r.anatomy.mmd, 3);
    expect(r.anatomy.mmd).toBeGreaterThanOrEqual(-1e-6);
    expect(r.anatomy.mmdPaper).toBeGreaterThanOrEqual(-1e-6);
  });

  it('measures the original, CF and A-CF models with their loss distributions', () => {
    expect(r.models.map((m) => m.name)).toEqual(['original', 'cf', 'a-cf']);
    for (const m of r.models) {
      for (const v of [m.retainAcc, m.forgetAcc, m.testAcc]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(m.mia).toBeGreaterThanOrEqual(0);
      expect(m.mia).toBeLessThanOrEqual(100);
      expect(m.forgetLosses).toHaveLength(r.sizes.forget);
      expect(m.testLosses).toHaveLength(r.sizes.testEval);
      expect(Number.isFinite(m.mmd)).toBe(true);
    }
    expect(r.models[1].seconds).toBeGreaterThan(0);
    expect(r.models[2].seconds).toBeGreaterThan(0);
  });

  it('sweeps k and lambda; the default point is the A-CF run', () => {
    expect(r.sweep.filter((x) => x.parameter === 'k').map((x) => x.value)).toEqual([0.5, 2]);
    expect(r.sweep.filter((x) => x.parameter === 'lambda').map((x) => x.value)).toEqual([0, 34]);
    const dflt = r.sweep.find((x) => x.parameter === 'k' && x.value === 2)!;
    expect(dflt.mia).toBe(r.models[2].mia);
    for (const x of r.sweep) expect(x.seconds).toBeGreaterThan(0);
  });

  it('measures the speed-up against CF consistently', () => {
    const sp = r.speed;
    expect(sp.checkpoints.map((c) => c.fraction)).toEqual([0.5, 1]);
    expect(sp.checkpoints[0].steps).toBeLessThan(sp.checkpoints[1].steps);
    expect(sp.checkpoints[1].retainSamples).toBe(r.sizes.retain);
    expect(sp.cfMia).toBe(r.models[1].mia);
    expect(sp.fullRatio).toBeCloseTo(r.models[1].seconds / r.models[2].seconds, 6);
    if (sp.reached) {
      expect(Math.abs(sp.reached.mia - sp.cfMia)).toBeLessThanOrEqual(sp.tolerance);
      expect(sp.ratio).toBeCloseTo(sp.cfSeconds / sp.reached.seconds, 6);
    } else {
      expect(Number.isNaN(sp.ratio)).toBe(true);
    }
  });

  it("traces CF and A-CF towards Retrain's MIA: probes from step 0, probe time excluded, summarised over seeds", () => {
    expect(r.traces.map((t) => t.seed)).toEqual([0]);
    const [st] = r.traces;
    expect(st.traces.map((t) => t.method)).toEqual(['cf', 'a-cf']);
    for (const t of st.traces) {
      expect(t.points[0].steps).toBe(0);
      for (let i = 1; i < t.points.length; i++) {
        expect(t.points[i].steps).toBeGreaterThan(t.points[i - 1].steps);
        expect(t.points[i].seconds).toBeGreaterThanOrEqual(t.points[i - 1].seconds);
      }
      expect(t.points.at(-1)!.seconds).toBeLessThanOrEqual(t.seconds + 1e-9);
      // At step 0 the model is the original.
      expect(t.points[0].mia).toBeCloseTo(st.original.mia, 10);
      expect(t.points[0].testAcc).toBeCloseTo(st.original.testAcc, 10);
    }
    expect(r.timeToRetrain.rows.map((x) => [x.method, x.seeds])).toEqual([['cf', 1], ['a-cf', 1]]);
    expect(r.timeToRetrain.retrain.mia.mean).toBe(st.retrain.mia);
  });

  it('time to a target: the first of two probes in a row within the tolerance; null when never', () => {
    const pts = [60, 55, 51, 56, 50.5, 49.2, 52].map((mia, i) => ({ steps: 10 * i, seconds: i, mia, forgetAcc: 1 - i / 10 }));
    expect(timeToMia(pts, 50, 2)).toEqual({ seconds: 4, steps: 40 });
    expect(timeToMia(pts.slice(0, 3), 50, 2)).toEqual({ seconds: 2, steps: 20 });
    expect(timeToMia(pts, 30, 2)).toBeNull();
    expect(timeToForgetAcc(pts, 0.75)).toEqual({ seconds: 3, steps: 30 });
    expect(timeToForgetAcc(pts, 0)).toBeNull();
  });

  it('leaves no tensors behind', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('writes tables, figures and the paper comparison', async () => {
    const out = aamuAnatomy.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(['anatomy', 'models', 'sweep-k', 'sweep-lambda', 'speed', 'paper-comparison', 'time-to-retrain', 'speedup']);
    expect(out.tables['time-to-retrain'].rows.map((x) => x[0])).toEqual(['original', 'retrain (target)', 'cf', 'a-cf']);
    expect(out.tables['paper-comparison'].rows[0]).toContain(PAPER_AAMU.table1.uniform.cf.mia);
    // Accuracies are rendered in percent, beside the paper's percent.
    const cf = r.models[1];
    expect(out.tables['paper-comparison'].rows[0].slice(3, 9)).toEqual([100 * cf.retainAcc, PAPER_AAMU.table1.uniform.cf.retainAcc, 100 * cf.forgetAcc, PAPER_AAMU.table1.uniform.cf.forgetAcc, 100 * cf.testAcc, PAPER_AAMU.table1.uniform.cf.testAcc]);
    expect(out.tables.models.rows[1].slice(1, 5)).toEqual([100 * cf.retainAcc, 100 * cf.forgetAcc, 100 * cf.testAcc, cf.mia]);
    expect(Object.keys(aamuAnatomyFigures(r))).toEqual(expect.arrayContaining(['rawLosses', 'gaussianised', 'losses-cf', 'losses-a-cf', 'sweepK', 'speed', 'miaOverTime', 'forgetOverTime']));
    // The MIA figure draws Retrain's value and the ideal 50 as dashed lines, one line per traced method.
    const mia = aamuAnatomyFigures(r).miaOverTime;
    expect(mia.data.map((d) => d.name)).toEqual(['cf', 'a-cf', `retrain ${r.traces[0].retrain.mia.toFixed(1)}`, 'ideal 50']);
    const dir = path.join(cacheDir, 'out');
    const files = await writeExperimentOutput(dir, { ...out, figures: out.figures!.slice(0, 2) });
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['results.json', 'report.html', 'speed.csv']));
    const back = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as AamuAnatomyResult;
    expect(back.speed.cfMia).toBe(r.speed.cfMia);
  }, 120_000);

  it('rejects bad presets and seeds with clear errors', async () => {
    await expect(runAamuAnatomy({ preset: 'laptop' as never })).rejects.toThrow(/Unknown preset 'laptop'/);
    await expect(runAamuAnatomy({ preset: 'smoke', seed: -1 })).rejects.toThrow(/seed must be a non-negative integer/);
    await expect(aamuAnatomy.run({ preset: 'smoke', dataset: 'cifar10' })).rejects.toThrow(/aamu-anatomy: --dataset is not an option of this experiment/);
  });
});

import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { BLEND_PAPER_METHODS } from '../../lib/experiments/single-round';
import { runSingleRound, singleRound, type SingleRoundResult } from '../../lib/experiments/single-round';
import { writeExperimentOutput } from '../../lib/experiments/shared/output';

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
      for (const v of [row.retainAcc, row.forgetAcc, row.testAcc]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(100);
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

  it('leaves no tensors behind', () => {
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('writes results.json, CSVs and an HTML report with the paper beside ours', async () => {
    const out = singleRound.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(expect.arrayContaining(['speedups', 'paper-comparison']));
    expect(out.tables['paper-comparison'].rows.length).toBe(3 * 2 * 2);
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
});

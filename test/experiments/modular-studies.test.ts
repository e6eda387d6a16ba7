import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { init } from '../../lib/engine/init';
import { cycleForgetSets, modularStudies, runModularStudies, type ModularStudiesResult } from '../../lib/experiments/modular-studies';
import { writeExperimentOutput } from '../../lib/experiments/shared/output';
import { mergeSeedResults } from '../../lib/sweep';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-modular-studies-'));

describe('modular-studies runner (smoke preset)', () => {
  let r: ModularStudiesResult;
  let tensorsBefore = 0;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await runModularStudies({ preset: 'smoke', cacheDir });
    tensorsAfter = tf.memory().numTensors;
  }, 600_000);

  it('cycles forget cumulatively: each cycle adds 10% of the previous retain set and keeps every earlier chunk', () => {
    const train = subsetByIndex(loadFashionMnist('train'), Int32Array.from({ length: 300 }, (_, i) => i));
    const forget = subsetByIndex(train, Int32Array.from({ length: 30 }, (_, i) => i));
    const sets = cycleForgetSets({ train, forget }, 4, 1);
    expect(sets.map((x) => x.size)).toEqual([30, 57, 81, 102]);
    for (let c = 1; c < sets.length; c++) for (const id of sets[c - 1]) expect(sets[c].has(id)).toBe(true);
  });

  it('runs every study: ipc and K for the modular method, cycles against Retrain, the metrics against CF and the pretrained model', () => {
    const keys = (study: string) => [...new Set(r.rows.filter((x) => x.study === study).map((x) => `${x.method} ${x.x}`))];
    expect(keys('ipc')).toEqual(['modular 1', 'modular 2']);
    expect(keys('k')).toEqual(['modular 2', 'modular 4']);
    expect(keys('cycle')).toEqual(['modular 1', 'retrain 1', 'modular 2', 'retrain 2']);
    expect(keys('metric')).toEqual(['pretrained 0', 'modular 1', 'cf 1', 'modular 2', 'cf 2']);
    // Fewer clusters per class = bigger clusters = more of them touched by the request = a larger R~.
    const ratio = (k: number) => r.rows.find((x) => x.study === 'k' && x.x === k)!.reducedRatio!;
    expect(ratio(2)).toBeGreaterThan(ratio(4));
    const cycles = r.rows.filter((x) => x.study === 'cycle' && x.method === 'retrain');
    expect(cycles[1].forgetSize!).toBeGreaterThan(cycles[0].forgetSize!);
    for (const x of r.rows.filter((y) => y.study === 'metric')) {
      expect(Number.isFinite(x.unlearningMetric!)).toBe(true);
      expect(x.overfittingMetric!).toBeGreaterThanOrEqual(0);
    }
  });

  it('merges single-seed cells into one result over the seeds (a sweep runs one seed per cell)', () => {
    const cell = (seed: number) => ({ ...r, rows: r.rows.map((x) => ({ ...x, seed })) });
    const m = mergeSeedResults('modular-studies', [cell(0), cell(1)]) as ModularStudiesResult;
    expect(m.rows).toHaveLength(2 * r.rows.length);
    expect(m.seconds).toBeCloseTo(2 * r.seconds, 10);
    expect(m.model).toBe(r.model);
    // Every row of the table now stands on both seeds.
    for (const row of m.table.rows) expect(row.cells.retainAcc!.n).toBe(2);
    expect(() => mergeSeedResults('modular-studies', [cell(0), { ...cell(1), metricModel: 'other' }])).toThrow(/disagree on 'metricModel'/);
  });

  it('leaves no tensors behind and writes one table per study and nine figures', async () => {
    expect(tensorsAfter).toBe(tensorsBefore);
    const out = modularStudies.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(['study-ipc', 'study-k', 'study-cycles', 'study-metrics']);
    expect(out.figures).toHaveLength(9);
    for (const f of out.figures!) expect((f.figure.data as unknown[]).length).toBeGreaterThan(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-modular-studies-out-'));
    const files = await writeExperimentOutput(dir, out);
    expect(files.some((f) => f.endsWith('report.html'))).toBe(true);
  });
});

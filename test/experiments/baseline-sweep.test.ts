import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import {
  BASELINE_SWEEP_PRESETS,
  baselineSweepOutput,
  CHOSEN_MARK,
  configLabel,
  chooseConfigs,
  runBaselineSweep,
  type BaselineSweepResult,
  type ConfigCell,
  type SweepCell,
} from '../../lib/experiments/baseline-sweep';
import { PROGRESS_FILE } from '../../lib/experiments/memorisation-regime';
import { AVG_GAP } from '../../lib/experiments/shared/retrain-gap';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-baseline-sweep-'));
const cacheDir = path.join(root, 'cache');
const smoke = BASELINE_SWEEP_PRESETS.smoke;
const configCells = (r: Pick<BaselineSweepResult, 'cells'>) => r.cells.filter((c): c is ConfigCell => c.kind === 'config');
const numbers = (cells: SweepCell[]) => cells.map((c) => ({ ...c, finishedAt: undefined }));
/** The measured numbers of cells, without timings (a recomputed cell takes another time). */
const measured = (cells: SweepCell[]) => cells.map((c) => (c.kind === 'reference' ? [c.key, c.original, { ...c.retrain, seconds: 0 }] : [c.key, c.measures]));

describe('baseline-sweep (smoke preset)', () => {
  const outDir = path.join(root, 'direct');
  let first: BaselineSweepResult;
  let leaked = 0;
  beforeAll(async () => {
    await init({ log: false });
    const before = tf.memory().numTensors;
    first = await runBaselineSweep({ preset: 'smoke', cacheDir, outDir });
    leaked = tf.memory().numTensors - before;
  }, 300_000);

  it('runs every grid entry of every method on both retain sets, once per seed, beside one Original/Retrain cell', () => {
    const gridSize = Object.values(smoke.grid).reduce((n, g) => n + g.length, 0);
    expect(first.cells.filter((c) => c.kind === 'reference')).toHaveLength(1);
    expect(configCells(first)).toHaveLength(2 * gridSize);
    for (const c of configCells(first)) {
      // The method ran with the fixed base plus the swept fields.
      expect(c.config).toEqual({ ...smoke.base[c.retainSet][c.method], ...c.entry });
      if (c.retainSet === 'blend') expect(c.retainUsed).toBeLessThan(first.cells[0].kind === 'reference' ? first.cells[0].sizes.retain : 0);
      else expect(c.retainUsed).toBe(360);
    }
    expect(leaked).toBe(0);
  });

  it('chooses, per method and retain set, the config with the lowest Avg. Gap to Retrain', () => {
    expect(first.choices.map((c) => `${c.retainSet} ${c.method}`).sort()).toEqual(['blend a-cf', 'blend cf', 'full a-cf', 'full cf']);
    const ref = first.cells.find((c) => c.kind === 'reference')!;
    const gapOf = (c: ConfigCell) => {
      const r = ref.kind === 'reference' ? ref.retrain : null!;
      const m = c.measures;
      return (Math.abs(100 * (m.retainAcc - r.retainAcc)) + Math.abs(100 * (m.forgetAcc - r.forgetAcc)) + Math.abs(100 * (m.testAcc - r.testAcc)) + Math.abs(m.mia - r.mia)) / 4;
    };
    for (const choice of first.choices) {
      const candidates = configCells(first).filter((c) => c.method === choice.method && c.retainSet === choice.retainSet);
      const best = candidates.reduce((a, b) => (gapOf(b) < gapOf(a) ? b : a));
      expect(choice.entry).toEqual(best.entry);
      expect(choice.avgGap).toBeCloseTo(gapOf(best), 9);
    }
  });

  it('never chooses a flagged run', () => {
    const cells = first.cells.map((c): SweepCell => (c.kind === 'config' && c.method === 'cf' && c.retainSet === 'full' ? { ...c, measures: { ...c.measures, status: 'diverged' } } : c));
    expect(chooseConfigs(cells).find((c) => c.method === 'cf' && c.retainSet === 'full')).toBeUndefined();
  });

  it('keeps every cell in the progress file: a rerun computes nothing, a run killed midway computes only the rest', async () => {
    const again = await runBaselineSweep({ preset: 'smoke', cacheDir, outDir });
    expect([again.computed, again.resumed]).toEqual([0, first.cells.length]);
    expect(numbers(again.cells)).toEqual(numbers(first.cells));
    const killed = path.join(root, 'killed');
    fs.mkdirSync(killed);
    const p = JSON.parse(fs.readFileSync(path.join(outDir, PROGRESS_FILE), 'utf8')) as { cells: unknown[] };
    // What a run killed during its last two cells leaves.
    const kept = p.cells.length - 2;
    fs.writeFileSync(path.join(killed, PROGRESS_FILE), JSON.stringify({ ...p, cells: p.cells.slice(0, kept) }));
    const resumed = await runBaselineSweep({ preset: 'smoke', cacheDir, outDir: killed });
    expect([resumed.computed, resumed.resumed]).toEqual([2, kept]);
    expect(measured(resumed.cells)).toEqual(measured(first.cells));
  }, 300_000);

  it('rejects a method without a grid, naming the swept ones', async () => {
    await expect(runBaselineSweep({ preset: 'smoke', cacheDir, methods: ['scrub'] })).rejects.toThrow(/method 'scrub' has no grid in preset 'smoke'. Swept methods: cf, a-cf/);
  });

  it('reports a choices table and one dot plot per retain set with Original and Retrain rows', () => {
    const out = baselineSweepOutput(first);
    expect(Object.keys(out.tables)).toEqual(['choices', 'configs-full', 'configs-blend']);
    const full = out.tables['configs-full'];
    const chosenCf = first.choices.find((c) => c.retainSet === 'full' && c.method === 'cf')!;
    const mark = (label: string) => (label === `cf: ${configLabel(chosenCf.entry)}` || label.startsWith('a-cf') ? `${label}${CHOSEN_MARK}` : label);
    expect(full.rows.map((r) => r[0])).toEqual(['original', 'retrain', ...['cf: lr 0.04, epochs 1', 'cf: lr 0.1, epochs 1', 'a-cf: lr 0.001, epochs 1'].map(mark)]);
    expect(full.columns).toContain(AVG_GAP);
    expect(out.figures).toHaveLength(2);
    // One dot trace per row and panel: no stacking.
    const fig = out.figures![0].figure;
    expect(fig.data.filter((t) => (t as { mode?: string }).mode === 'markers').length).toBeGreaterThan(0);
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedRun } from '../../lib/sweep/run-cache';
import type { SingleRoundResult } from '../../lib/experiments/single-round';

describe('cachedRun: a notebook loads a finished run instead of computing it again', () => {
  it('computes once, then loads the same result; rerun computes again; a cut-short cache file is set aside, never read', async () => {
    const runCache = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-run-cache-'));
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-run-cache-models-'));
    const o = { preset: 'smoke' as const, methods: ['cf'], runCache, cacheDir, log: () => {} };
    const first = await cachedRun<SingleRoundResult>('single-round', o);
    expect(first.cached).toBe(false);
    expect(first.summary).toMatch(/^single-round, preset smoke: computed in \d+ s and cached as .*\.json\.$/);
    const t0 = performance.now();
    const again = await cachedRun<SingleRoundResult>('single-round', o);
    expect(performance.now() - t0).toBeLessThan(first.seconds * 1000);
    expect(again.cached).toBe(true);
    expect(again.file).toBe(first.file);
    expect(again.summary).toContain('pass rerun: true to compute it again');
    expect(JSON.stringify(again.result.rows)).toBe(JSON.stringify(first.result.rows));
    // Other options are another run.
    const other = await cachedRun<SingleRoundResult>('single-round', { ...o, methods: ['retrain'] });
    expect(other.file).not.toBe(first.file);
    const rerun = await cachedRun<SingleRoundResult>('single-round', { ...o, rerun: true });
    expect(rerun.cached).toBe(false);
    // A file cut short by a killed writer: set aside and computed again.
    fs.writeFileSync(first.file, fs.readFileSync(first.file, 'utf8').slice(0, 100));
    const afterCut = await cachedRun<SingleRoundResult>('single-round', { ...o, log: () => {} });
    expect(afterCut.cached).toBe(false);
    expect(fs.readdirSync(runCache).some((f) => f.includes('.corrupt-'))).toBe(true);
  }, 600_000);
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetTimesNote, repositoryRoot } from '../../lib/experiments/shared/committed';
import { cachedRun, staleNotebookOutputs } from '../../lib/sweep/run-cache';

/** A notebook whose one code cell printed `text`. */
function notebookWith(file: string, text: string): void {
  fs.writeFileSync(file, JSON.stringify({ cells: [{ cell_type: 'code', source: 'x', outputs: [{ output_type: 'stream', name: 'stdout', text: [text] }] }], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
}

describe('notebooks show the committed run and tell when their saved outputs went stale', () => {
  it('cachedRun({ committed: true }) returns the committed result with a marker; the staleness check follows its results.json', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-committed-'));
    const dir = path.join(root, 'results', 'single-round', 'cpu');
    fs.mkdirSync(dir, { recursive: true });
    const results = path.join(dir, 'results.json');
    // As writeJson stores them: NaN as the string 'NaN'.
    fs.writeFileSync(results, JSON.stringify({ experiment: 'single-round', rows: [], ratio: 'NaN', seconds: 600, provenance: { git: { commit: 'abcdef0123' } } }));
    const runCache = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-committed-cache-'));
    const run = await cachedRun<{ experiment: string; ratio: number }>('single-round', { preset: 'cpu', committed: true, root, runCache });
    expect(run.source).toBe('committed');
    expect(run.result.experiment).toBe('single-round');
    expect(Number.isNaN(run.result.ratio)).toBe(true);
    expect(run.summary).toMatch(/^single-round, preset cpu: the committed run, results\/single-round\/cpu\/results\.json \(results\.json sha256 [0-9a-f]{12}, made by abcdef0 in 10 min\); its code may be older than this checkout: pass rerun: true/);
    const nb = path.join(root, 'nb.ipynb');
    notebookWith(nb, `${run.summary}\n`);
    expect(staleNotebookOutputs(nb, root)).toEqual([]);
    fs.writeFileSync(results, JSON.stringify({ experiment: 'single-round', rows: [{ seed: 1 }], seconds: 700 }));
    expect(staleNotebookOutputs(nb, root)).toEqual([expect.stringMatching(/^cell 0: shows results\/single-round\/cpu\/results\.json as it was \(sha256 [0-9a-f]{12}\), but it has changed since: re-render the notebook$/)]);
    fs.rmSync(results);
    expect(staleNotebookOutputs(nb, root)).toEqual(['cell 0: shows results/single-round/cpu/results.json, which no longer exists']);
  });

  it("presetTimesNote states the committed run's time and seed count (one seed when it records none)", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-times-'));
    const dir = path.join(root, 'results', 'suli-feature-space', 'cpu');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ experiment: 'suli-feature-space', seconds: 360 }));
    expect(presetTimesNote('suli-feature-space', root)).toContain('cpu 6 min for the committed run (1 seed, 2 CPU cores, results/suli-feature-space/cpu)');
    fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify({ experiment: 'suli-feature-space', seconds: 1800, rows: [{ seed: 0 }, { seed: 1 }, { seed: 2 }] }));
    expect(presetTimesNote('suli-feature-space', root)).toContain('cpu 30 min for the committed run (3 seeds,');
  });

  it('no committed notebook shows a committed run that has changed since', () => {
    const root = repositoryRoot();
    const dir = path.join(root, 'notebooks');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.ipynb'))) expect(staleNotebookOutputs(path.join(dir, f), root), f).toEqual([]);
  });
});

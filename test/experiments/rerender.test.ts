import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rerenderResults } from '../../lib/experiments/run-experiment';
import { resultsDir } from '../../lib/experiments/shared/committed';

// `unlearn-lab report <dir>`: a finished run's report rebuilt from its results.json, re-running nothing.
describe('rerenderResults', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-rerender-'));

  it('rewrites the report and tables from results.json, keeping the numbers and the provenance', async () => {
    // A copy of a committed run: nothing to train.
    const outDir = path.join(root, 'run');
    fs.cpSync(resultsDir('baseline-sweep', 'cpu'), outDir, { recursive: true });
    const before = fs.readFileSync(path.join(outDir, 'results.json'), 'utf8');
    fs.rmSync(path.join(outDir, 'report.html'));
    const { files } = await rerenderResults(outDir, 'the test');
    expect(files.map((f) => path.basename(f)).sort()).toEqual(['choices.csv', 'configs-blend.csv', 'configs-full.csv', 'report.html', 'results.json']);
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'results.json'), 'utf8'))).toEqual(JSON.parse(before));
    const html = fs.readFileSync(path.join(outDir, 'report.html'), 'utf8');
    expect(html).toContain('npx unlearn-lab baseline-sweep --preset cpu');
    expect(html).toMatch(/re-rendered \S+ by the test from results.json; nothing was re-run/);
  }, 120_000);

  it('names the folder and the fix when there is no results.json, or it is no run', async () => {
    await expect(rerenderResults(path.join(root, 'nothing'), 't')).rejects.toThrow(/nothing[/\\]results.json does not exist: pass the folder of a finished run/);
    const bad = path.join(root, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'results.json'), '{"rows": []}');
    await expect(rerenderResults(bad, 't')).rejects.toThrow(/names no experiment .* not the results.json of an unlearn-lab run/);
  });
});

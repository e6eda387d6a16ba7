import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../lib/plot/static-image';
import { nonBackgroundFraction } from '../plot/png-check';
import { allNotebooks, expectRanOnSmoke, hookTimeout, runNotebooksOnSmoke, runsInNpmTest, type NotebookRun } from './run-smoke';

/**
 * Executes every notebook headless on the 'unlearn-lab' kernel (smoke preset; see run-smoke.ts) but 06 and the
 * 2024 paper's, which run in `npm test` (notebooks-in-npm-test.test.ts).
 */
const notebooks = allNotebooks().filter((n) => !runsInNpmTest(n));
let results = new Map<string, NotebookRun>();
let outDir = '';

describe('notebooks run headless on the unlearn-lab kernel (smoke preset)', () => {
  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-notebooks-'));
    results = runNotebooksOnSmoke(notebooks, outDir);
  }, hookTimeout(notebooks.length));

  it('found the notebooks', () => {
    expect(notebooks).toContain('00-fashion-mnist-tour.ipynb');
  });

  it.each(notebooks)('%s runs without errors, every figure has a static image, on the smoke preset', (name) => {
    expectRanOnSmoke(results.get(name));
  });

  it('00-fashion-mnist-tour: first output names the preset and backend, the HTML export shows every figure as an image', () => {
    const r = results.get('00-fashion-mnist-tour.ipynb')!;
    const nb = JSON.parse(fs.readFileSync(r.executed, 'utf8')) as { cells: { outputs?: { data?: Record<string, string | string[]> }[] }[] };
    const first = [nb.cells[0].outputs?.[0]?.data?.['text/plain'] ?? ''].flat().join('');
    expect(first).toContain('preset: smoke');
    expect(first).toMatch(/unlearn-lab engine: \w+/);
    expect(r.figures).toBe(2);
    const html = fs.readFileSync(r.html, 'utf8');
    const imgs = [...html.matchAll(/data-unlearn-lab-figure="1"[^>]*><img src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)];
    expect(imgs).toHaveLength(r.figures);
    for (const m of imgs) expect(nonBackgroundFraction(Buffer.from(m[1], 'base64')).fraction).toBeGreaterThan(0.01);
    // What a reader sees: the exported page rendered by headless Chromium is not blank.
    const shot = renderPageScreenshot(r.html);
    expect(nonBackgroundFraction(shot).fraction).toBeGreaterThan(0.02);
  });
});

/** Screenshot of a local HTML page (headless Chromium), as a PNG. */
function renderPageScreenshot(file: string): Buffer {
  const png = path.join(outDir, `${path.basename(file)}.png`);
  const chromium = findChromium();
  if (chromium == null) throw new Error('no Chromium found: apt-get install chromium');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-shot-'));
  try {
    execFileSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${profile}`, '--window-size=1000,2400', `--screenshot=${png}`, `file://${file}`], { stdio: 'ignore', timeout: 60_000 });
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return fs.readFileSync(png);
}

import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../lib/plot/static-image';
import { nonBackgroundFraction } from '../plot/png-check';

/**
 * Executes every notebooks/*.ipynb headless on the 'unlearn-lab' kernel (smoke preset) through
 * kernels-config/run-notebooks.py (nbclient on Debian's /usr/bin/python3). Executed copies and their
 * nbconvert HTML go to a temp folder; the committed notebooks are never touched.
 */
const root = path.resolve(__dirname, '..', '..');
const notebooksDir = path.join(root, 'notebooks');
const notebooks = fs.readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort();
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-notebooks-'));
// A runaway guard per cell (the runner cells of the smoke presets take 20-150 s on a loaded 2-core machine).
const CELL_TIMEOUT_S = 180;

interface RunResult {
  notebook: string;
  ok: boolean;
  seconds: number;
  figures: number;
  problems: string[];
  executed: string;
  html: string;
}

const results = new Map<string, RunResult>();

describe('notebooks run headless on the unlearn-lab kernel (smoke preset)', () => {
  beforeAll(() => {
    // Same preparation as `npm test`: Debian packages, an up-to-date dist/, the node_modules/unlearn-lab
    // link and the registered kernel (quick when nothing changed).
    execFileSync('bash', [path.join(root, 'kernels-config', 'setup.sh')], { cwd: root, stdio: 'inherit' });
    const before = new Map(notebooks.map((n) => [n, fs.readFileSync(path.join(notebooksDir, n), 'utf8')]));
    const run = spawnSync(
      '/usr/bin/python3',
      [path.join(root, 'kernels-config', 'run-notebooks.py'), '--out', outDir, '--timeout', String(CELL_TIMEOUT_S), '--html', ...notebooks.map((n) => path.join(notebooksDir, n))],
      { cwd: root, encoding: 'utf8', env: { ...process.env, UNLEARN_PRESET: 'smoke', PYDEVD_DISABLE_FILE_VALIDATION: '1' }, timeout: 110_000 * Math.max(1, notebooks.length) },
    );
    for (const line of run.stdout.split('\n')) {
      if (line.startsWith('{')) {
        const r = JSON.parse(line) as RunResult;
        results.set(r.notebook, r);
      }
    }
    if (results.size !== notebooks.length) throw new Error(`run-notebooks.py reported ${results.size} of ${notebooks.length} notebooks (exit ${run.status}): ${run.stderr.slice(-2000)}`);
    for (const n of notebooks) expect(fs.readFileSync(path.join(notebooksDir, n), 'utf8')).toBe(before.get(n));
  }, 120_000 * Math.max(1, notebooks.length));

  it('found the notebooks', () => {
    expect(notebooks).toContain('00-fashion-mnist-tour.ipynb');
  });

  it.each(notebooks)('%s runs without errors, every figure has a static image, on the smoke preset', (name) => {
    const r = results.get(name)!;
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    // A runaway guard, not a speed target (those live in `npm run bench`): smoke notebooks take 10-70 s
    // here depending on load, a notebook that ran a cpu-preset experiment would take 15 minutes or more.
    expect(r.seconds).toBeLessThan(300);
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

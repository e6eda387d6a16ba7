import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'vitest';

/**
 * Runs notebooks headless on the 'unlearn-lab' kernel (smoke preset) through kernels-config/run-notebooks.py
 * (nbclient on Debian's /usr/bin/python3). Executed copies and their nbconvert HTML go to a temp folder; the
 * committed notebooks are never touched (checked).
 */
export const root = path.resolve(__dirname, '..', '..');
export const notebooksDir = path.join(root, 'notebooks');
// A runaway guard per cell (the runner cells of the smoke presets take 20-150 s on a loaded 2-core machine).
const CELL_TIMEOUT_S = 180;

export interface NotebookRun {
  notebook: string;
  ok: boolean;
  seconds: number;
  figures: number;
  problems: string[];
  executed: string;
  html: string;
}

/** Every committed notebook, by file name, in order. */
export const allNotebooks = (): string[] => fs.readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort();

/**
 * The notebooks `npm test` executes: 06-bring-your-own and the 2024 modular paper's (20-29), as the issues that
 * added them ask; the others run in `npm run test:slow`.
 */
export const runsInNpmTest = (name: string): boolean => /^(06|2\d)-/.test(name);

/** Executes the notebooks on the smoke preset; returns one record per notebook (throws if one is missing). */
export function runNotebooksOnSmoke(notebooks: string[], outDir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-notebooks-'))): Map<string, NotebookRun> {
  // Same preparation as `npm test`: Debian packages, an up-to-date dist/, the node_modules/unlearn-lab
  // link and the registered kernel (quick when nothing changed).
  execFileSync('bash', [path.join(root, 'kernels-config', 'setup.sh')], { cwd: root, stdio: 'inherit' });
  const before = new Map(notebooks.map((n) => [n, fs.readFileSync(path.join(notebooksDir, n), 'utf8')]));
  const run = spawnSync(
    '/usr/bin/python3',
    [path.join(root, 'kernels-config', 'run-notebooks.py'), '--out', outDir, '--timeout', String(CELL_TIMEOUT_S), '--html', '--jobs', String(NOTEBOOK_JOBS), ...notebooks.map((n) => path.join(notebooksDir, n))],
    { cwd: root, encoding: 'utf8', env: { ...process.env, UNLEARN_PRESET: 'smoke', PYDEVD_DISABLE_FILE_VALIDATION: '1' }, timeout: NOTEBOOK_BUDGET_MS * Math.max(1, notebooks.length) },
  );
  const results = new Map<string, NotebookRun>();
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('{')) {
      const r = JSON.parse(line) as NotebookRun;
      results.set(r.notebook, r);
    }
  }
  if (results.size !== notebooks.length) throw new Error(`run-notebooks.py reported ${results.size} of ${notebooks.length} notebooks (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  for (const n of notebooks) expect(fs.readFileSync(path.join(notebooksDir, n), 'utf8')).toBe(before.get(n));
  return results;
}

/** Notebooks executed at once: two kernels on two cores overlap their single-threaded TypeScript checks. */
const NOTEBOOK_JOBS = 2;

/** The most one smoke notebook may take on a loaded 2-core machine (a runaway guard), and the hook timeout per notebook. */
export const NOTEBOOK_BUDGET_MS = 240_000;
export const hookTimeout = (n: number): number => (NOTEBOOK_BUDGET_MS + 10_000) * Math.max(1, n);

/** What every notebook must do on smoke: no errors, a static image per figure, and no cpu-scale run. */
export function expectRanOnSmoke(r: NotebookRun | undefined): void {
  expect(r).toBeDefined();
  expect(r!.problems).toEqual([]);
  expect(r!.ok).toBe(true);
  // A runaway guard, not a speed target (those live in `npm run bench`): smoke notebooks take 10-160 s
  // here depending on load, a notebook that ran a cpu-preset experiment would take 15 minutes or more.
  expect(r!.seconds).toBeLessThan(300);
}

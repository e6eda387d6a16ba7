import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openRunFolder } from '../../lib/io/run-folder';
import { getExperiment } from '../../lib/experiments/registry';
import { defaultResultsDir, runExperiment } from '../../lib/experiments/run-experiment';
import type { ExperimentOutput } from '../../lib/experiments/shared/output';

// Issue 22 finding 4: a killed run left a folder mixing two runs, concurrent writers interleaved, and
// the default folder ignored --dataset.
const root = path.resolve(__dirname, '..', '..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-run-folders-'));

/** A folder holding a previous run: file name -> content. */
function previousRun(dir: string): Record<string, string> {
  const files = { 'results.json': '{"previous":true}', 'report.html': '<p>previous run</p>', 'old-table.csv': 'a\n1\n' };
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  return files;
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** A process id that is certainly not running (a child that has exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

const OUTPUT: ExperimentOutput = { title: 'T', meta: [], result: { fresh: true }, tables: { t: { columns: ['a'], rows: [[1]] } } };

afterEach(() => vi.restoreAllMocks());

describe('a results folder is swapped in whole', () => {
  it('commit replaces the previous run entirely (no stale files), abort keeps it, and nothing else is left beside it', () => {
    const parent = tmp();
    const target = path.join(parent, 'cpu');
    const before = previousRun(target);
    const a = openRunFolder(target);
    fs.writeFileSync(path.join(a.dir, 'results.json'), 'half');
    a.abort();
    expect(contents(target)).toEqual(before);
    const b = openRunFolder(target);
    fs.writeFileSync(path.join(b.dir, 'results.json'), '{"new":true}');
    expect(contents(target)).toEqual(before); // untouched until the swap
    b.commit();
    expect(contents(target)).toEqual({ 'results.json': '{"new":true}' });
    expect(fs.readdirSync(parent)).toEqual(['cpu']);
    expect(fs.statSync(target).mode & 0o777).toBe(0o777 & ~process.umask());
  });

  it('a failing run leaves the previous results intact and removes its temp folder and lock', async () => {
    const e = getExperiment('single-round');
    vi.spyOn(e, 'run').mockRejectedValue(new Error('boom'));
    const parent = tmp();
    const outDir = path.join(parent, 'cpu');
    const before = previousRun(outDir);
    await expect(runExperiment('single-round', { preset: 'smoke', outDir, command: 'test', cacheDir: tmp() })).rejects.toThrow('boom');
    expect(contents(outDir)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['cpu']);
  });

  it('a second writer fails at once, naming the lock file and the pid holding it', async () => {
    const e = getExperiment('single-round');
    const run = vi.spyOn(e, 'run');
    const target = path.join(tmp(), 'cpu');
    const first = openRunFolder(target);
    expect(() => openRunFolder(target)).toThrow(`${target} is being written by process ${process.pid} (lock file ${target}.lock). Wait for that run to finish, or write to another folder (--out).`);
    await expect(runExperiment('single-round', { preset: 'smoke', outDir: target, command: 'test', cacheDir: tmp() })).rejects.toThrow(
      `is being written by process ${process.pid} (lock file ${target}.lock)`,
    );
    expect(run).not.toHaveBeenCalled();
    first.abort();
    openRunFolder(target).abort(); // free again
  });

  it("a stale lock (its pid is gone) and a killed run's leftovers are taken over with a message", () => {
    const parent = tmp();
    const target = path.join(parent, 'cpu');
    const before = previousRun(target);
    const pid = deadPid();
    fs.writeFileSync(`${target}.lock`, `${pid}\n`);
    fs.mkdirSync(path.join(parent, `.cpu.tmp-${pid}-abcd`));
    fs.writeFileSync(path.join(parent, `.cpu.tmp-${pid}-abcd`, 'results.json'), 'half');
    const lines: string[] = [];
    const f = openRunFolder(target, { log: (l) => lines.push(l) });
    expect(lines).toEqual([`Taking over the stale lock ${target}.lock: process ${pid} that held it is no longer running.`]);
    expect(fs.readdirSync(parent).sort()).toEqual([path.basename(f.dir), 'cpu', 'cpu.lock'].sort());
    f.abort();
    expect(contents(target)).toEqual(before);
  });

  it('a swap stopped between its two renames is undone by the next run', () => {
    const parent = tmp();
    const target = path.join(parent, 'cpu');
    const before = previousRun(path.join(parent, '.cpu.old-1-abcd', 'cpu'));
    const lines: string[] = [];
    openRunFolder(target, { log: (l) => lines.push(l) }).abort();
    expect(lines[0]).toMatch(/^Restored .*cpu from .*\.cpu\.old-1-abcd: a run was stopped while swapping its results in\.$/);
    expect(contents(target)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(['cpu']);
  });

  it('the default folder names a --dataset or --seeds override; the preset alone keeps results/<experiment>/<preset>', () => {
    expect(defaultResultsDir('/r', 'single-round', { preset: 'cpu' })).toBe('/r/results/single-round/cpu');
    expect(defaultResultsDir('/r', 'suli-class-wise', { preset: 'cpu', dataset: 'svhn' })).toBe('/r/results/suli-class-wise/cpu-svhn');
    expect(defaultResultsDir('/r', 'suli-class-wise', { preset: 'cpu', dataset: 'svhn', seeds: 3 })).toBe('/r/results/suli-class-wise/cpu-svhn-3seeds');
  });

  it('the returned paths are the swapped-in files', async () => {
    const e = getExperiment('single-round');
    vi.spyOn(e, 'run').mockResolvedValue({} as never);
    vi.spyOn(e, 'output').mockReturnValue(structuredClone(OUTPUT));
    const outDir = path.join(tmp(), 'cpu');
    previousRun(outDir);
    const { files } = await runExperiment('single-round', { preset: 'smoke', outDir, command: 'test', cacheDir: tmp() });
    expect(files.every((f) => fs.existsSync(f) && path.dirname(f) === outDir)).toBe(true);
    expect(fs.readdirSync(outDir).sort()).toEqual(['report.html', 'results.json', 't.csv']);
  });
});

describe('the CLI under kills and concurrent runs', () => {
  beforeAll(() => {
    // An up-to-date dist/ (rebuilt when lib/ is newer), as `npm test` prepares it.
    execFileSync('bash', [path.join(root, 'kernels-config', 'setup.sh')], { cwd: root, stdio: 'inherit' });
  }, 180_000);

  function cli(outDir: string, cache: string): ChildProcess & { output: () => string } {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'single-round', '--preset', 'smoke', '--out', outDir, '--quiet'], {
      cwd: root,
      env: { ...process.env, UNLEARN_CACHE: cache },
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    return Object.assign(child, { output: () => out });
  }

  const exitOf = (c: ChildProcess) => new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => c.on('exit', (code, signal) => r({ code, signal })));

  async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('a second run on the same folder fails clearly before any training; SIGKILL of the first leaves the previous results intact', async () => {
    const parent = tmp();
    const outDir = path.join(parent, 'cpu');
    const before = previousRun(outDir);
    const cache = tmp(); // empty: the first run trains its original model for a while
    const first = cli(outDir, cache);
    const firstExit = exitOf(first);
    await waitFor(() => fs.existsSync(`${outDir}.lock`), 30_000, 'the first run to take its lock');
    const t0 = Date.now();
    const second = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'single-round', '--preset', 'smoke', '--out', outDir, '--quiet'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, UNLEARN_CACHE: cache },
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`unlearn-lab: ${outDir} is being written by process ${first.pid} (lock file ${outDir}.lock).`);
    expect(Date.now() - t0).toBeLessThan(15_000);
    // Midway: the first run is training (a few seconds in, well before its 80 s end).
    await new Promise((r) => setTimeout(r, 4000));
    expect(first.exitCode).toBeNull();
    first.kill('SIGKILL');
    expect((await firstExit).signal).toBe('SIGKILL');
    expect(contents(outDir)).toEqual(before);
    // SIGKILL cannot clean up: its temp folder and lock stay, named so the next run takes them over.
    expect(fs.readdirSync(parent).filter((f) => f !== 'cpu' && f !== 'cpu.lock')).toEqual([expect.stringMatching(new RegExp(`^\\.cpu\\.tmp-${first.pid}-`))]);
    const lines: string[] = [];
    openRunFolder(outDir, { log: (l) => lines.push(l) }).abort();
    expect(lines).toEqual([`Taking over the stale lock ${outDir}.lock: process ${first.pid} that held it is no longer running.`]);
    expect(fs.readdirSync(parent)).toEqual(['cpu']);
    expect(contents(outDir)).toEqual(before);
  }, 120_000);

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s midway removes the temp folder and the lock and keeps the previous results', async (signal, code) => {
    const parent = tmp();
    const outDir = path.join(parent, 'cpu');
    const before = previousRun(outDir);
    const run = cli(outDir, tmp());
    const exited = exitOf(run);
    await waitFor(() => fs.existsSync(`${outDir}.lock`), 30_000, 'the run to take its lock');
    await new Promise((r) => setTimeout(r, 3000));
    run.kill(signal);
    expect((await exited).code, run.output()).toBe(code);
    expect(fs.readdirSync(parent)).toEqual(['cpu']);
    expect(contents(outDir)).toEqual(before);
  }, 120_000);
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Provenance } from '../../lib/experiments/shared/provenance';
import { rocCurve } from '../../lib/metrics/roc';
import { readCellFile } from '../../lib/sweep';
import { CLI, cli, ROOT, tmpDir, withoutTimes, writeSpec } from './helpers';

/**
 * SIGKILL midway, then the same command again: no finished cell is computed again, no cut-short
 * cell, results file or model-cache checkpoint is used, and the result equals an uninterrupted run.
 * Everything runs through the built CLI (dist/), as a user runs it; smoke preset.
 */
let work: string;
let cache: string;
/** suli-class-wise on seeds 0..2 in one process (the runner's own seed loop): the uninterrupted run. */
let reference: Record<string, unknown>;
const SMOKE_LIRA_CANDIDATE = 'n40-w8-sgd0.05-const-e2-b32';

beforeAll(() => {
  work = tmpDir('sweep-resume-');
  cache = path.join(work, 'cache');
  const script = `require(${JSON.stringify(path.join(ROOT, 'dist', 'experiments', 'registry'))}).getExperiment('suli-class-wise').run({ preset: 'smoke', seeds: 3 }).then((r) => process.stdout.write(JSON.stringify(r)))`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, UNLEARN_CACHE: cache }, maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  reference = JSON.parse(r.stdout) as Record<string, unknown>;
});

/** Starts the CLI in a process group of its own (its workers too), to be killed with SIGKILL. */
function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: ROOT, detached: true, stdio: 'ignore', env: { ...process.env, UNLEARN_CACHE: cache } });
}

async function killWhen(child: ChildProcess, ready: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    if (child.exitCode != null) throw new Error(`the run ended (exit ${child.exitCode}) before ${what}`);
    if (Date.now() - t0 > 300_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  process.kill(-child.pid!, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
}

const cellFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^[0-9a-f]{16}\.json$/.test(f)).map((f) => path.join(dir, f)) : []);
const snapshot = (files: string[]) => new Map(files.map((f) => [f, { text: fs.readFileSync(f, 'utf8'), mtime: fs.statSync(f).mtimeMs }]));
const same = (a: unknown, b: unknown) => expect(withoutTimes(a)).toEqual(withoutTimes(b));

describe('kill -9 and resume', () => {
  it('a sweep: finished cells are kept and not redone, and the merge equals an uninterrupted run (and LiRA equals memorisation-regime)', async () => {
    const spec = writeSpec(work, 'resume.yaml', ['experiments:', '  - experiment: suli-class-wise', '    presets: [smoke]', '    seeds: 3', 'lira:', '  - presets: [smoke]', '    shadows: 2'].join('\n'));
    const dir = path.join(work, 'sweep');
    const cells = path.join(dir, 'cells');
    await killWhen(start(['sweep', spec, '--out', dir, '--workers', '1']), () => cellFiles(cells).length >= 2, 'two finished cells');
    const before = snapshot(cellFiles(cells));
    expect(before.size).toBeGreaterThanOrEqual(2);
    expect(before.size).toBeLessThan(6);
    // Every file under a cell's name is whole; a cell being written when the kill came is at most a temp file.
    for (const f of before.keys()) expect(() => readCellFile(f)).not.toThrow();
    expect(fs.existsSync(path.join(dir, 'merged'))).toBe(false);

    const r = cli(['sweep', spec, '--out', dir, '--workers', '2'], { cache });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`resume: 6 cells, ${before.size} done, 0 failed, ${6 - before.size} not run`);
    // A local rerun names the cells it computes, and no Slurm command (that hint is for the slurm launcher).
    expect(r.stdout).toMatch(/unfinished cells: [0-9,-]+; the same `unlearn-lab sweep` command runs only these/);
    expect(r.stdout).not.toContain('sbatch');
    expect(r.stdout).toContain('resume: 6 cells, 6 done, 0 failed, 0 not run');
    for (const [f, s] of before) {
      expect(fs.readFileSync(f, 'utf8')).toBe(s.text);
      expect(fs.statSync(f).mtimeMs).toBe(s.mtime);
    }
    expect(fs.readdirSync(cells).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const logs = fs.readdirSync(path.join(dir, 'logs')).map((f) => fs.readFileSync(path.join(dir, 'logs', f), 'utf8')).join('\n');
    expect(logs.match(/already done/g)?.length).toBe(before.size);

    const merged = JSON.parse(fs.readFileSync(path.join(dir, 'merged', 'suli-class-wise-smoke-3seeds', 'results.json'), 'utf8')) as Record<string, unknown>;
    for (const k of ['rows', 'table', 'setups', 'forgetClass', 'dataset']) same(merged[k], reference[k]);
    // The recorded command is the equivalent single run (the reference above is that run); the merge
    // command is kept with the cells, each with its time and git state, and is runnable as written.
    const p = merged.provenance as Provenance;
    expect(p.command).toBe('npx unlearn-lab suli-class-wise --preset smoke --seeds 3');
    const recorded = p.cells!.mergedBy!;
    expect(recorded).toBe(`npx unlearn-lab merge ${dir}`);
    expect(p.cells!.runs.map((r) => r.label)).toEqual([0, 1, 2].map((sd) => `suli-class-wise smoke seed ${sd}`));
    for (const r of p.cells!.runs) {
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.run?.git.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(r.run?.wasmThreads).toBeGreaterThanOrEqual(1);
    }
    expect(fs.readFileSync(path.join(dir, 'merged', 'suli-class-wise-smoke-3seeds', 'report.html'), 'utf8')).toContain(`merged by \`${recorded}\` from 3 cell(s)`);
    const again = cli(recorded.split(' ').slice(2), { cache });
    expect(again.status, again.stderr).toBe(0);
    const remerged = JSON.parse(fs.readFileSync(path.join(dir, 'merged', 'suli-class-wise-smoke-3seeds', 'results.json'), 'utf8')) as Record<string, unknown>;
    for (const k of ['rows', 'table', 'setups']) same(remerged[k], merged[k]);

    // The LiRA audit of 2 shadows as 3 cells equals memorisation-regime's own (one process).
    const lira = JSON.parse(fs.readFileSync(path.join(dir, 'merged', `lira-${SMOKE_LIRA_CANDIDATE}-smoke-2shadows`, 'results.json'), 'utf8')) as Record<string, unknown>;
    const m = cli(['memorisation-regime', '--preset', 'smoke', '--shadows', '2', '--candidate', SMOKE_LIRA_CANDIDATE, '--out', path.join(work, 'regime'), '--quiet'], { cache });
    expect(m.status, m.stderr).toBe(0);
    const regime = (JSON.parse(fs.readFileSync(path.join(work, 'regime', 'results.json'), 'utf8')) as { lira: Record<string, unknown>[] }).lira[0];
    for (const k of ['offline', 'online', 'populationSize', 'members', 'nonMembers', 'shadows']) expect(lira[k]).toEqual(regime[k]);
    expect((lira.provenance as Provenance).command).toBe(recorded);
    expect((lira.provenance as Provenance).cells!.runs.length).toBe(3);
    // Its per-example scores: one row per audited example, and they give the audit's AUCs.
    const [header, ...lines] = fs.readFileSync(path.join(dir, 'merged', `lira-${SMOKE_LIRA_CANDIDATE}-smoke-2shadows`, 'lira-scores.csv'), 'utf8').trim().split('\n');
    const cols = header.split(',');
    const values = lines.map((l) => l.split(',').map(Number));
    const column = (name: string) => values.map((v) => v[cols.indexOf(name)]);
    expect(values.length).toBe((lira.members as number) + (lira.nonMembers as number));
    expect(column('member').filter((v) => v === 1).length).toBe(lira.members);
    const audit = lira as unknown as Record<'offline' | 'online', Record<'original' | 'retrain', { auc: number }>>;
    for (const [name, variant, model] of [['originalOffline', 'offline', 'original'], ['retrainOnline', 'online', 'retrain']] as const) {
      expect(rocCurve(column(name), column('member')).auc).toBeCloseTo(audit[variant][model].auc, 12);
    }
  });

  it('a single experiment: seeds finished before the kill are resumed, a cut-short cell or checkpoint is set aside, results equal an uninterrupted run', async () => {
    const out = path.join(work, 'single');
    // Where a run keeps its finished seeds: run-cells/ in the model cache (lib/sweep/output.ts runCellsDir).
    const cellsDir = path.join(cache, 'models', 'run-cells');
    await killWhen(start(['suli-class-wise', '--preset', 'smoke', '--seeds', '3', '--out', out, '--quiet']), () => cellFiles(cellsDir).length >= 2, 'two finished seeds');
    // Killed before its results were written: no results folder; beside it only the dead run's lock and temp folder.
    expect(fs.existsSync(path.join(out, 'results.json'))).toBe(false);
    expect(fs.readdirSync(work).filter((f) => f.includes('single')).sort()).toEqual([expect.stringMatching(/^\.single\.tmp-\d+-/), 'single.lock']);
    const finished = cellFiles(cellsDir);
    expect(finished.length).toBe(2);
    // A cell cut short (as a non-atomic writer killed midway would leave it), and every cached original model cut short too.
    const [cut, kept] = finished;
    fs.writeFileSync(cut, fs.readFileSync(cut, 'utf8').slice(0, 200));
    const models = path.join(cache, 'models');
    const checkpoints = fs.readdirSync(models).filter((f) => f.endsWith('.ckpt')).map((f) => path.join(models, f));
    expect(checkpoints.length).toBeGreaterThan(0);
    for (const f of checkpoints) fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2));

    const r = cli(['suli-class-wise', '--preset', 'smoke', '--seeds', '3', '--out', out, '--quiet'], { cache });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/Taking over the stale lock/);
    expect(r.stdout.match(/: resumed from /g)?.length).toBe(1);
    expect(r.stdout).toContain(`resumed from ${kept}`);
    expect(`${r.stdout}${r.stderr}`).toMatch(/is not a whole cell file .*Set it aside as .*\.corrupt-/);
    expect(`${r.stdout}${r.stderr}`).toMatch(/is unreadable .*set it aside as .*\.corrupt-.* and training it again/);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as Record<string, unknown>;
    for (const k of ['rows', 'table', 'setups', 'forgetClass', 'dataset']) same(result[k], reference[k]);
    // Done: its cells and the lock are gone.
    expect(cellFiles(cellsDir)).toEqual([]);
    expect(fs.existsSync(`${out}.lock`)).toBe(false);
  });
});

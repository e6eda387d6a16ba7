import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, cli, ROOT, tmpDir, withoutTimes, writeSpec } from './helpers';

/**
 * A real Slurm: Debian's slurm-wlm and munge, one node on localhost, installed and started by
 * tools/slurm/start-local.sh (as root, as CI runs; it does nothing when Slurm already answers).
 * A smoke sweep goes to it as a job array, is waited for and merged, and its cells equal a local run's.
 */
let work: string;
let cache: string;
const SPEC = ['experiments:', '  - experiment: suli-class-wise', '    presets: [smoke]', '    seeds: 2', 'lira:', '  - presets: [smoke]', '    shadows: 2'].join('\n');

beforeAll(() => {
  execFileSync('bash', [path.join(ROOT, 'tools', 'slurm', 'start-local.sh')], { stdio: 'inherit', timeout: 400_000 });
  work = tmpDir('sweep-slurm-');
  cache = path.join(work, 'cache');
});

const cellsOf = (dir: string) =>
  new Map(
    fs
      .readdirSync(path.join(dir, 'cells'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => {
        // Where and by which process a cell ran differ between launchers; its config and result must not.
        const { config, result } = JSON.parse(fs.readFileSync(path.join(dir, 'cells', f), 'utf8')) as { config: unknown; result: unknown };
        return [f, { config, result }];
      }),
  );

describe('Slurm job arrays', () => {
  it('runs a smoke sweep as an array (2 cells per task), waits, merges, and its cells equal a local run of the same grid', () => {
    const spec = writeSpec(work, 'grid.yaml', SPEC);
    const dir = path.join(work, 'slurm');
    const r = cli(['sweep', spec, '--out', dir, '--launcher', 'slurm', '--chunk', '2', '--wait'], { cache });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const job = /submitted Slurm job (\d+) \(array 0-2,/.exec(r.stdout)?.[1];
    expect(job, r.stdout).toBeDefined();
    expect(r.stdout).toContain('grid: 5 cells, 5 done, 0 failed, 0 not run');
    // One log per array task, each naming the cells it ran.
    for (const [task, cells] of [[0, [0, 1]], [1, [2, 3]], [2, [4]]] as const) {
      const log = fs.readFileSync(path.join(dir, 'logs', `slurm-${job}_${task}.out`), 'utf8');
      for (const c of cells) expect(log).toMatch(new RegExp(`cell ${c} .*: done in`));
    }
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'merged', 'index.json'), 'utf8')) as { groups: { group: string; cells: number }[] };
    expect(index.groups.map((g) => [g.group, g.cells])).toEqual([['suli-class-wise-smoke-2seeds', 2], ['lira-n40-w8-sgd0.05-const-e2-b32-smoke-2shadows', 3]]);

    const local = path.join(work, 'local');
    const l = cli(['sweep', spec, '--out', local, '--workers', '2'], { cache });
    expect(l.status, l.stderr + l.stdout).toBe(0);
    const a = cellsOf(dir);
    const b = cellsOf(local);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [k, v] of a) expect(withoutTimes(v)).toEqual(withoutTimes(b.get(k)));
    for (const g of index.groups) {
      const read = (d: string) => withoutTimes(JSON.parse(fs.readFileSync(path.join(d, 'merged', g.group, 'results.json'), 'utf8')));
      expect(read(dir)).toEqual(read(local));
    }
  });

  it('lists failed tasks for resubmission, and a rerun submits only the unfinished tasks', () => {
    const spec = writeSpec(work, 'fails.yaml', SPEC.replace('seeds: 2', 'seeds: 3'));
    const dir = path.join(work, 'fails');
    // The tasks cannot find Fashion-MNIST (Slurm passes the submitting environment on): every cell fails.
    const bad = cli(['sweep', spec, '--out', dir, '--launcher', 'slurm', '--chunk', '2', '--wait'], { cache, env: { FASHION_MNIST_DIR: path.join(work, 'no-data') } });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('fails: 6 cells, 0 done, 6 failed, 0 not run');
    expect(bad.stdout).toMatch(/FAILED cell 0 suli-class-wise smoke seed 0: .*no-data/);
    expect(bad.stdout).toContain(`unfinished tasks (chunk 2): 0-2; resubmit them with \`sbatch --array=0-2 ${path.join(dir, 'slurm', 'sweep.sbatch')}\``);
    expect(bad.stderr).toContain('has unfinished cells (listed above); rerun the same command to run them.');
    // Task 1 is run here; the rerun resubmits tasks 0 and 2 only.
    const t = cli(['sweep-task', dir, '--task', '1', '--chunk', '2'], { cache });
    expect(t.status, t.stderr + t.stdout).toBe(0);
    const s = cli(['sweep-status', dir, '--chunk', '2'], { cache });
    expect(s.status).toBe(2);
    expect(s.stdout).toContain('fails: 6 cells, 2 done, 4 failed, 0 not run');
    expect(s.stdout).toContain('unfinished tasks (chunk 2): 0,2;');
    const again = cli(['sweep', spec, '--out', dir, '--launcher', 'slurm', '--chunk', '2', '--wait'], { cache });
    expect(again.status, again.stderr + again.stdout).toBe(0);
    expect(again.stdout).toMatch(/submitted Slurm job \d+ \(array 0,2,/);
    expect(again.stdout).toContain('fails: 6 cells, 6 done, 0 failed, 0 not run');
  });

  it('says how to start Slurm when its controller is down', () => {
    // This cluster's configuration, but a controller port nobody listens on.
    const conf = path.join(work, 'down.conf');
    fs.writeFileSync(conf, fs.readFileSync('/etc/slurm/slurm.conf', 'utf8').replace(/^ClusterName=.*$/m, '$&\nSlurmctldPort=6999'));
    const spec = writeSpec(work, 'down.yaml', SPEC);
    const r = cli(['sweep', spec, '--out', path.join(work, 'down'), '--launcher', 'slurm'], { cache, env: { SLURM_CONF: conf } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unlearn-lab: Slurm is not running: `scontrol ping` says ".*DOWN.*"\. On one machine, start a one-node Slurm with `sudo bash tools\/slurm\/start-local.sh`/);
    expect(fs.existsSync(CLI)).toBe(true);
  });
});

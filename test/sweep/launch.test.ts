import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { arraySpec, K8S_SWEEP_DIR, kubernetesJob, openSweep, taskCells, taskCount, unfinishedTasks, writeKubernetesJob, writeSbatch, type Sweep } from '../../lib/sweep';
import { CLI, cli, ROOT, tmpDir, writeSpec } from './helpers';

// 1 target + 4 shadows + 2 seeds = 7 cells, planned (not run) by the built CLI, as a user plans one.
const SPEC = ['name: launch-test', 'lira:', '  - presets: [smoke]', '    shadows: 4', 'experiments:', '  - experiment: suli-class-wise', '    presets: [smoke]', '    seeds: 2'].join('\n');

let dir: string;
let sweep: Sweep;

beforeAll(() => {
  const work = tmpDir('sweep-launch-');
  dir = path.join(work, 'sweep');
  const r = cli(['sweep', writeSpec(work, 'launch-test.yaml', SPEC), '--out', dir, '--launcher', 'none']);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain('launch-test: 7 cells, 0 done, 0 failed, 7 not run');
  sweep = openSweep(dir);
});

describe('array tasks', () => {
  it('map task t to cells t*chunk .. t*chunk+chunk-1, covering every cell once', () => {
    expect(taskCount(7, 3)).toBe(3);
    expect([0, 1, 2].map((t) => taskCells(7, t, 3))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(() => taskCells(7, 3, 3)).toThrow('task 3 is out of range: this sweep has 7 cells in 3 tasks of 3 (tasks 0..2).');
    expect(() => taskCount(7, 0)).toThrow('chunk (cells per task) must be a positive integer, got 0.');
    expect(arraySpec([0, 1, 2, 5, 7, 8])).toBe('0-2,5,7-8');
    const status = { cells: [0, 1, 2, 3, 4, 5, 6].map((index) => ({ index, key: '', label: '', state: index === 4 || index === 6 ? ('failed' as const) : ('done' as const) })), done: 5, failed: 2, todo: 0 };
    expect(unfinishedTasks(status, 3)).toEqual([1, 2]);
    expect(unfinishedTasks(status, 1)).toEqual([4, 6]);
  });
});

describe('Slurm launcher', () => {
  it('writes an sbatch job array: one task per chunk, a log per task, the task running its cells', () => {
    const file = writeSbatch(sweep, { chunk: 3, cpusPerTask: 2, time: '01:00:00', maxParallel: 2 });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^#!\/bin\/bash\n/);
    expect(text).toContain('#SBATCH --array=0-2%2\n');
    expect(text).toContain(`#SBATCH --output=${dir}/logs/slurm-%A_%a.out\n`);
    expect(text).toContain('#SBATCH --cpus-per-task=2\n');
    expect(text).toContain('#SBATCH --time=01:00:00\n');
    expect(text).toContain(`${CLI} sweep-task ${dir} --task "$SLURM_ARRAY_TASK_ID" --chunk 3\n`);
    // A resubmission names only the unfinished tasks.
    expect(fs.readFileSync(writeSbatch(sweep, { chunk: 1, tasks: [1, 2, 3, 6] }), 'utf8')).toContain('#SBATCH --array=1-3,6\n');
    expect(() => writeSbatch(sweep, { chunk: 3, tasks: [3] })).toThrow('Slurm task 3 is out of range: the sweep has 3 tasks (0..2) of 3 cell(s).');
  });

  it('says how to start Slurm where it is not installed (test/sweep/slurm.test.ts checks a Slurm that is down)', () => {
    const r = cli(['sweep', sweep.plan.specFile, '--out', dir, '--launcher', 'slurm'], { env: { PATH: path.join(dir, 'no-slurm-here') } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unlearn-lab: Slurm is not installed here (no sbatch and scontrol on PATH). On one machine, start a one-node Slurm with `sudo bash tools/slurm/start-local.sh`');
  });
});

describe('Kubernetes launcher', () => {
  it('writes an Indexed Job that the Kubernetes API schema accepts', async () => {
    const file = writeKubernetesJob(sweep, { chunk: 2, image: 'registry.example/unlearn-lab:1', pvc: 'sweeps', parallelism: 3 });
    const manifest = parseYaml(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(manifest).toEqual(kubernetesJob(sweep, { chunk: 2, image: 'registry.example/unlearn-lab:1', pvc: 'sweeps', parallelism: 3 }));
    // kubernetes-models validates against the OpenAPI schema of the Kubernetes API (batch/v1 Job).
    const { Job } = await import('kubernetes-models/batch/v1/Job');
    expect(() => new Job(manifest as never).validate()).not.toThrow();
    expect(manifest).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed', completions: 4, parallelism: 3 } });
    // The schema is checked for real: a wrong type is refused.
    const broken = structuredClone(manifest) as { spec: { completions: unknown } };
    broken.spec.completions = 'four';
    expect(() => new Job(broken as never).validate()).toThrow(/completions must be integer/);
  });

  it("maps each completion index to its cells: the container's own command, run here, lists them", () => {
    const manifest = kubernetesJob(sweep, { chunk: 2, image: 'unlearn-lab:test', pvc: 'sweeps' }) as {
      spec: { completions: number; template: { spec: { containers: { command: string[]; workingDir: string }[] } } };
    };
    const container = manifest.spec.template.spec.containers[0];
    expect(container.command.slice(0, 2)).toEqual(['sh', '-c']);
    // The image's checkout (/app) is this repository, and the claim's mount (/sweep) is the sweep folder.
    const script = container.command[2].replaceAll(`${container.workingDir}/`, `${ROOT}/`).replaceAll(K8S_SWEEP_DIR, dir).replace(/^exec node /, `exec ${process.execPath} `);
    const seen: number[] = [];
    for (let index = 0; index < manifest.spec.completions; index++) {
      const r = spawnSync('sh', ['-c', `${script} --list`], { encoding: 'utf8', env: { ...process.env, JOB_COMPLETION_INDEX: String(index) } });
      expect(r.status, r.stderr).toBe(0);
      const cells = JSON.parse(r.stdout) as { index: number; key: string }[];
      expect(cells.map((c) => c.index)).toEqual(taskCells(7, index, 2));
      expect(cells.map((c) => c.key)).toEqual(taskCells(7, index, 2).map((i) => sweep.plan.cells[i].key));
      seen.push(...cells.map((c) => c.index));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

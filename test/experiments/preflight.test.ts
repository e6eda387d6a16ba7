import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../lib/cli';
import { checkWritableDir } from '../../lib/io/preflight';
import { getExperiment } from '../../lib/experiments/registry';
import { runExperiment } from '../../lib/experiments/run-experiment';
import type { ExperimentOutput } from '../../lib/experiments/shared/output';

// Issue 22 finding 3: an unwritable --out or cache failed with a raw error after all the compute, the
// tables were printed only after the files were written, and empty paths meant the working directory.
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-preflight-'));

/** A path whose parent is a regular file: ENOTDIR even for root (chmod does not stop root). */
function underAFile(): string {
  const file = path.join(tmp(), 'a-file');
  fs.writeFileSync(file, 'x');
  return path.join(file, 'results');
}

const OUTPUT: ExperimentOutput = { title: 'T', meta: [], result: { a: 1 }, tables: { t: { columns: ['a'], rows: [[1]] } } };

afterEach(() => vi.restoreAllMocks());

describe('preflight before any compute', () => {
  it('an unwritable --out fails before the experiment runs, naming the folder, the cause and the fix', async () => {
    const run = vi.spyOn(getExperiment('single-round'), 'run');
    const outDir = path.join(underAFile(), 'run');
    const t0 = performance.now();
    await expect(runExperiment('single-round', { preset: 'smoke', outDir, command: 'test', cacheDir: tmp() })).rejects.toThrow(
      new RegExp(`The output folder's parent .*a-file/results is not writable \\(ENOTDIR: .*\\)\\. Pass another output folder \\(--out\\); the results would go to .*a-file/results/run\\.`),
    );
    await expect(runExperiment('single-round', { preset: 'smoke', outDir: path.dirname(outDir), command: 'test', cacheDir: tmp() })).rejects.toThrow(
      /The output folder's parent .*a-file is a file, not a folder\. Pass another output folder \(--out\)/,
    );
    expect(run).not.toHaveBeenCalled();
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('an unwritable model cache fails before the experiment runs', async () => {
    const run = vi.spyOn(getExperiment('single-round'), 'run');
    await expect(runExperiment('single-round', { preset: 'smoke', outDir: path.join(tmp(), 'out'), command: 'test', cacheDir: underAFile() })).rejects.toThrow(
      /The model cache folder .*a-file\/results is not writable \(ENOTDIR: .*\)\. Set UNLEARN_CACHE to another folder\./,
    );
    expect(run).not.toHaveBeenCalled();
  });

  it('a dataset named by --dataset that is not on disk fails before the experiment runs, naming the download script', async () => {
    const run = vi.spyOn(getExperiment('condensation-comparison'), 'run');
    const saved = process.env.UNLEARN_DATA_HOME;
    process.env.UNLEARN_DATA_HOME = tmp();
    try {
      await expect(
        runExperiment('condensation-comparison', { preset: 'smoke', dataset: 'svhn', outDir: path.join(tmp(), 'out'), command: 'test', cacheDir: tmp() }),
      ).rejects.toThrow(/svhn: directory .* does not exist\..*data-scripts\/download-svhn.sh/);
    } finally {
      if (saved === undefined) delete process.env.UNLEARN_DATA_HOME;
      else process.env.UNLEARN_DATA_HOME = saved;
    }
    expect(run).not.toHaveBeenCalled();
    // An option the experiment does not declare is still rejected first, by the option check.
    await expect(runExperiment('reduced-retain-strategies', { preset: 'smoke', dataset: 'svhn', outDir: path.join(tmp(), 'out'), command: 'test' })).rejects.toThrow(
      /reduced-retain-strategies: --dataset is not an option of this experiment/,
    );
  });

  it('a full disk is named with the free and the needed space', () => {
    expect(() => checkWritableDir(tmp(), 'The output folder', 'Pass another --out.', Number.MAX_SAFE_INTEGER)).toThrow(
      /The output folder .* has \d+ MiB free; a run needs at least \d+ MiB\. Free some space, or pass another --out\./,
    );
  });

  it('the tables are shown before any file is written', async () => {
    const e = getExperiment('single-round');
    vi.spyOn(e, 'run').mockResolvedValue({} as never);
    vi.spyOn(e, 'output').mockReturnValue(structuredClone(OUTPUT));
    const outDir = path.join(tmp(), 'out');
    const seen: string[][] = [];
    const { files } = await runExperiment('single-round', {
      preset: 'smoke',
      outDir,
      command: 'test',
      cacheDir: tmp(),
      show: () => seen.push(fs.readdirSync(path.dirname(outDir)).flatMap((d) => (fs.statSync(path.join(path.dirname(outDir), d)).isDirectory() ? fs.readdirSync(path.join(path.dirname(outDir), d)) : [d]))),
    });
    // Only the lock beside the folder exists while the tables are shown; no results file anywhere yet.
    expect(seen).toEqual([['out.lock']]);
    expect(files.map((f) => path.relative(outDir, f)).sort()).toEqual(['report.html', 'results.json', 't.csv']);
    expect(fs.readdirSync(path.dirname(outDir))).toEqual(['out']);
  });
});

describe('empty paths are errors naming the flag or variable', () => {
  async function cli(argv: string[]): Promise<Error> {
    const p = buildProgram();
    for (const c of [p, ...p.commands]) c.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    try {
      await p.parseAsync(['node', 'unlearn-lab', ...argv]);
    } catch (e) {
      return e as Error;
    }
    throw new Error(`unlearn-lab ${argv.join(' ')} did not fail`);
  }

  it("--out '' and UNLEARN_RESULTS_ROOT='' (not the working directory)", async () => {
    const run = vi.spyOn(getExperiment('single-round'), 'run');
    expect((await cli(['single-round', '--preset', 'smoke', '--out', ''])).message).toBe('--out is empty. Give it a folder path, or leave it unset to use the default.');
    process.env.UNLEARN_RESULTS_ROOT = ' ';
    try {
      expect((await cli(['single-round', '--preset', 'smoke'])).message).toBe('UNLEARN_RESULTS_ROOT is empty. Give it a folder path, or leave it unset to use the default.');
    } finally {
      delete process.env.UNLEARN_RESULTS_ROOT;
    }
    expect(run).not.toHaveBeenCalled();
  });

  it("UNLEARN_CACHE='' fails the run before any compute", async () => {
    const run = vi.spyOn(getExperiment('single-round'), 'run');
    const saved = process.env.UNLEARN_CACHE;
    process.env.UNLEARN_CACHE = '';
    try {
      await expect(runExperiment('single-round', { preset: 'smoke', outDir: path.join(tmp(), 'out'), command: 'test' })).rejects.toThrow('UNLEARN_CACHE is empty.');
    } finally {
      if (saved === undefined) delete process.env.UNLEARN_CACHE;
      else process.env.UNLEARN_CACHE = saved;
    }
    expect(run).not.toHaveBeenCalled();
  });
});

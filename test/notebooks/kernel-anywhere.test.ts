import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The registered 'unlearn-lab' kernel imports the library from a notebook in any folder (issue 20):
 * tiny notebooks are copied to a temp folder outside the repository and executed there with
 * kernels-config/run-notebooks.py (nbclient, the notebook's folder as working directory) on the kernel as
 * kernels-config/register-kernel.cjs registers it, in a private Jupyter data folder (the user's own
 * registration is left alone). Before the fix the TypeScript check failed with "Cannot find module
 * 'unlearn-lab' or its corresponding type declarations".
 */
const root = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-anywhere-'));
const dataDir = path.join(work, 'jupyter-data');
const outDir = path.join(work, 'out');

interface RunResult {
  notebook: string;
  ok: boolean;
  problems: string[];
  executed: string;
}

function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source, i) => ({ cell_type: 'code', execution_count: null, id: `c${i}`, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { display_name: 'unlearn-lab (TypeScript)', language: 'typescript', name: 'unlearn-lab' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

/** Executes notebooks on `kernel` (env passes through); their stdout text per notebook, or the problems. */
function runNotebooks(files: string[], kernel = 'unlearn-lab', extra: string[] = []): Map<string, RunResult & { stdout: string }> {
  const run = spawnSync('/usr/bin/python3', [path.join(root, 'kernels-config', 'run-notebooks.py'), '--out', outDir, '--timeout', '90', '--kernel', kernel, ...extra, ...files], {
    cwd: os.tmpdir(),
    encoding: 'utf8',
    env: { ...process.env, JUPYTER_DATA_DIR: dataDir, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    timeout: 110_000 * files.length,
  });
  const results = new Map<string, RunResult & { stdout: string }>();
  for (const line of run.stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const r = JSON.parse(line) as RunResult;
    const nb = JSON.parse(fs.readFileSync(r.executed, 'utf8')) as { cells: { outputs: { name?: string; text?: string | string[] }[] }[] };
    const stdout = nb.cells.flatMap((c) => c.outputs.filter((o) => o.name === 'stdout').map((o) => [o.text ?? ''].flat().join(''))).join('');
    results.set(r.notebook, { ...r, stdout });
  }
  if (results.size !== files.length) throw new Error(`run-notebooks.py reported ${results.size} of ${files.length} notebooks (exit ${run.status}): ${run.stderr.slice(-2000)}`);
  return results;
}

describe('the unlearn-lab kernel imports the library from a notebook outside the repository', () => {
  beforeAll(() => {
    for (const f of ['dist/index.js', 'dist/index.d.ts']) {
      if (!fs.existsSync(path.join(root, f))) throw new Error(`${f} is missing: run 'bash kernels-config/setup.sh' (or npm run build) first.`);
    }
    execFileSync(process.execPath, [path.join(root, 'kernels-config', 'register-kernel.cjs'), '--quiet'], { env: { ...process.env, JUPYTER_DATA_DIR: dataDir }, stdio: 'inherit' });
    fs.mkdirSync(outDir);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('import and require find the library; its types are checked, not taken as any', () => {
    const dir = path.join(work, 'anywhere');
    fs.mkdirSync(dir);
    const good = path.join(dir, 'imports.ipynb');
    fs.writeFileSync(
      good,
      notebook([
        "import { FIGURE_MARKER, tf } from 'unlearn-lab';\nconst marker: string = FIGURE_MARKER;\nconsole.log(`import: ${marker} ${typeof tf.version_core}`);",
        "const lib = require('unlearn-lab');\nconsole.log(`require: ${typeof lib.show} ${require.resolve('unlearn-lab')} cwd ${process.cwd()}`);",
      ]),
    );
    const typed = path.join(dir, 'type-error.ipynb');
    fs.writeFileSync(typed, notebook(["import { FIGURE_MARKER } from 'unlearn-lab';\nconst n: number = FIGURE_MARKER;"]));
    const r = runNotebooks([good, typed]);
    const ok = r.get('imports.ipynb')!;
    expect(ok.problems).toEqual([]);
    expect(ok.stdout).toContain('import: data-unlearn-lab-figure string');
    expect(ok.stdout).toContain(`require: function ${path.join(root, 'dist', 'index.js')} cwd ${fs.realpathSync(dir)}`);
    // The library's declarations were read: a wrong type is an error, as in the repository's own notebooks.
    const bad = r.get('type-error.ipynb')!;
    expect(bad.ok).toBe(false);
    expect(bad.problems.join('\n')).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(bad.problems.join('\n')).not.toMatch(/Cannot find module/);
  });

  it('--save writes a notebook that passed back over its source with its outputs, and leaves a failed one as it was', () => {
    const dir = path.join(work, 'save');
    fs.mkdirSync(dir);
    const good = path.join(dir, 'good.ipynb');
    const bad = path.join(dir, 'bad.ipynb');
    fs.writeFileSync(good, notebook(["console.log('saved output');"]));
    fs.writeFileSync(bad, notebook(["console.log('never kept');", "throw new Error('fails');"]));
    const badBefore = fs.readFileSync(bad, 'utf8');
    const r = runNotebooks([good, bad], 'unlearn-lab', ['--save']);
    expect(r.get('good.ipynb')!.ok).toBe(true);
    expect(r.get('bad.ipynb')!.ok).toBe(false);
    const saved = JSON.parse(fs.readFileSync(good, 'utf8')) as { cells: { outputs: { text?: string[] }[] }[] };
    expect(saved.cells[0].outputs.flatMap((o) => o.text ?? []).join('')).toBe('saved output\n');
    expect(fs.readFileSync(bad, 'utf8')).toBe(badBefore);
    expect(fs.readdirSync(dir).sort()).toEqual(['bad.ipynb', 'good.ipynb']);
  });

  it('registration also installs plotly.js where a notebook server serves it (nbextensions/unlearn-lab/plotly.js)', () => {
    const served = path.join(dataDir, 'nbextensions', 'unlearn-lab', 'plotly.js');
    expect(fs.readFileSync(served).equals(fs.readFileSync(path.join(root, 'node_modules', 'plotly.js-dist', 'plotly.js')))).toBe(true);
  });

  it('needs neither NODE_PATH nor the node_modules/unlearn-lab link (which npm install deletes)', () => {
    // The same kernel with NODE_PATH emptied: the launcher alone must find the library.
    const spec = JSON.parse(fs.readFileSync(path.join(dataDir, 'kernels', 'unlearn-lab', 'kernel.json'), 'utf8')) as { argv: string[]; env: Record<string, string> };
    expect(spec.argv.join(' ')).toContain(path.join(root, 'kernels-config', 'kernel.cjs'));
    spec.env.NODE_PATH = '';
    fs.mkdirSync(path.join(dataDir, 'kernels', 'unlearn-lab-bare'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'kernels', 'unlearn-lab-bare', 'kernel.json'), JSON.stringify(spec));
    const dir = path.join(work, 'bare');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'bare.ipynb');
    fs.writeFileSync(file, notebook(["import { FIGURE_MARKER } from 'unlearn-lab';\nconst m: string = FIGURE_MARKER;\nconsole.log(`bare: ${m} ${require.resolve('unlearn-lab')} NODE_PATH=[${process.env.NODE_PATH}]`);"]));
    const r = runNotebooks([file], 'unlearn-lab-bare').get('bare.ipynb')!;
    expect(r.problems).toEqual([]);
    expect(r.stdout).toContain(`bare: data-unlearn-lab-figure ${path.join(root, 'dist', 'index.js')} NODE_PATH=[]`);
  });

  it('a node_modules/unlearn-lab in the notebook folder still wins, for the types and the code alike', () => {
    const dir = path.join(work, 'own-copy');
    const pkg = path.join(dir, 'node_modules', 'unlearn-lab');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'unlearn-lab', version: '0.0.0-local', main: 'index.js', types: 'index.d.ts' }));
    fs.writeFileSync(path.join(pkg, 'index.js'), 'exports.FIGURE_MARKER = 42;\n');
    fs.writeFileSync(path.join(pkg, 'index.d.ts'), 'export declare const FIGURE_MARKER: number;\n');
    const file = path.join(dir, 'local.ipynb');
    // Type-checks only against the local declarations (a number), and runs the local code.
    fs.writeFileSync(file, notebook(["import { FIGURE_MARKER } from 'unlearn-lab';\nconst n: number = FIGURE_MARKER;\nconsole.log(`local: ${n + 1}`);"]));
    const r = runNotebooks([file]).get('local.ipynb')!;
    expect(r.problems).toEqual([]);
    expect(r.stdout).toContain('local: 43');
  });
});

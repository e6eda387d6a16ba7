import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../lib/cli';
import { allExperiments, getExperiment } from '../../lib/experiments/registry';
import { runSingleRound, singleRoundOutput, type SingleRoundResult } from '../../lib/experiments/single-round';
import { hasCommittedResults, loadCommittedResults, repositoryRoot } from '../../lib/experiments/shared/committed';
import { PRESET_NAMES } from '../../lib/experiments/shared/presets';
import { canonicalJson, gitState, provenanceOf, settingsHash, type Provenance } from '../../lib/experiments/shared/provenance';

// Issue 15 (provenance): every results.json / report.html says which code, machine, preset and command made it.
const root = repositoryRoot();
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-provenance-'));
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { encoding: 'utf8' });

describe('git state', () => {
  it('a temp checkout: the commit, clean, then dirty with a changed and an untracked file', () => {
    const dir = tmp();
    git(dir, 'init', '-q');
    expect(gitState(dir)).toEqual({ commit: null, dirty: null, changes: null, reason: `${dir} is a git checkout without a commit` });
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    git(dir, 'add', 'a.txt');
    git(dir, 'commit', '-q', '-m', 'a');
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    expect(gitState(dir)).toEqual({ commit: head, dirty: false, changes: 0, reason: null });
    fs.writeFileSync(path.join(dir, 'a.txt'), 'changed\n');
    expect(gitState(dir)).toEqual({ commit: head, dirty: true, changes: 1, reason: null });
    fs.writeFileSync(path.join(dir, 'b.txt'), 'new\n');
    expect(gitState(dir)).toEqual({ commit: head, dirty: true, changes: 2, reason: null });
  });

  it("leaves out the run's own results folder, its lock and temp siblings, but not a change beside them", () => {
    const dir = tmp();
    git(dir, 'init', '-q');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
    git(dir, 'add', 'a.txt');
    git(dir, 'commit', '-q', '-m', 'a');
    const out = path.join(dir, 'results', 'x', 'cpu');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'progress.json'), '{}');
    fs.mkdirSync(`${out}.tmp-1`);
    fs.writeFileSync(path.join(`${out}.tmp-1`, 'results.json'), '{}');
    expect(gitState(dir, out)).toMatchObject({ dirty: false, changes: 0 });
    expect(gitState(dir)).toMatchObject({ dirty: true, changes: 2 });
    fs.writeFileSync(path.join(dir, 'results', 'x', 'other.json'), '{}');
    expect(gitState(dir, out)).toMatchObject({ dirty: true, changes: 1 });
  });

  it('no checkout, or a folder inside another repository (an installed package): null with the reason', () => {
    const plain = tmp();
    expect(gitState(plain)).toEqual({ commit: null, dirty: null, changes: null, reason: expect.stringContaining('is not a git checkout') as string });
    const repo = tmp();
    git(repo, 'init', '-q');
    const pkg = path.join(repo, 'node_modules', 'unlearn-lab');
    fs.mkdirSync(pkg, { recursive: true });
    const s = gitState(pkg);
    expect(s.commit).toBeNull();
    expect(s.dirty).toBeNull();
    expect(s.reason).toContain(`lies inside ${fs.realpathSync(repo)}`);
  });

  it('the real checkout: the commit of HEAD, dirty exactly when `git status --porcelain` lists anything', () => {
    const s = gitState();
    expect(s.commit).toBe(git(root, 'rev-parse', 'HEAD').trim());
    expect(s.dirty).toBe(git(root, 'status', '--porcelain').trim() !== '');
  });
});

describe('preset settings and their hash', () => {
  it('every experiment resolves every preset to JSON-able settings; presets hash apart; the hash ignores key order', () => {
    for (const e of allExperiments()) {
      const hashes = PRESET_NAMES.map((p) => {
        const s = e.settings(p);
        expect(s, `${e.name} ${p}`).toBeTypeOf('object');
        expect(JSON.parse(canonicalJson(s)), `${e.name} ${p}`).toBeTypeOf('object');
        return settingsHash(s);
      });
      for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{12}$/);
      expect(new Set(hashes).size, e.name).toBe(PRESET_NAMES.length);
    }
    expect(settingsHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(settingsHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(settingsHash({ a: 1 })).not.toBe(settingsHash({ a: 2 }));
  });

  it("the Blend experiments' settings include the method hyperparameters they run with", () => {
    const s = getExperiment('single-round').settings('cpu') as { methodConfigs: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.keys(s.methodConfigs)).toEqual(['full', 'blend']);
    expect(s.methodConfigs.full.cf).toHaveProperty('epochs');
  });
});

/** Checks every field of a provenance object and its type. */
function expectProvenance(p: Provenance): void {
  expect(p.schema).toBe(1);
  expect(p.experiment).toBeTypeOf('string');
  expect(p.command).toMatch(/^npx unlearn-lab /);
  expect(p.preset).toBeTypeOf('string');
  expect(p.presetHash).toMatch(/^[0-9a-f]{12}$/);
  expect(p.options).toBeTypeOf('object');
  // This test runs from the checkout: a commit and a dirty flag.
  expect(p.git.commit).toMatch(/^[0-9a-f]{40}$/);
  expect(p.git.dirty).toBeTypeOf('boolean');
  expect(p.git.changes).toBeTypeOf('number');
  expect(p.git.reason).toBeNull();
  expect(p.machine.cpu).toBeTypeOf('string');
  expect(p.machine.cpu.length).toBeGreaterThan(0);
  expect(p.machine.logicalCores).toBe(os.cpus().length);
  expect(p.machine.memoryGiB).toBeGreaterThan(0);
  expect(p.machine.platform).toContain(os.platform());
  expect(p.machine.backend).toBeTypeOf('string');
  expect(p.machine.engine).toBeTypeOf('string');
  if (p.machine.backend === 'wasm') {
    expect(p.machine.wasmThreads).toBeGreaterThanOrEqual(1);
    expect(p.machine.engine).toContain(`${p.machine.wasmThreads} thread`);
  } else {
    expect(p.machine.wasmThreads).toBeNull();
  }
  expect(p.versions.node).toBe(process.version);
  expect(p.versions.tfjs).toBe((JSON.parse(fs.readFileSync(require.resolve('@tensorflow/tfjs-core/package.json'), 'utf8')) as { version: string }).version);
  expect(p.versions.unlearnLab).toBe((JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version);
  expect(p.versions.trainingCode).toMatch(new RegExp(`^${p.versions.unlearnLab.replace(/\./g, '\\.')}\\+[0-9a-f]{12}$`));
  expect(p.env).toBeTypeOf('object');
  for (const l of [p.load.start, p.load.end]) {
    expect(l).toHaveLength(3);
    for (const x of l) expect(x).toBeGreaterThanOrEqual(0);
  }
  expect(new Date(p.started).toISOString()).toBe(p.started);
  expect(new Date(p.finished).toISOString()).toBe(p.finished);
  expect(Date.parse(p.finished)).toBeGreaterThanOrEqual(Date.parse(p.started));
  expect(Object.keys(p.seconds)).toEqual(['preflight', 'run', 'views', 'write', 'total']);
  for (const v of Object.values(p.seconds)) expect(v).toBeGreaterThanOrEqual(0);
  expect(p.seconds.run).toBeGreaterThan(0);
  expect(p.seconds.total).toBeGreaterThanOrEqual(p.seconds.run);
}

describe('`unlearn-lab main` (npm start)', () => {
  const saved = { root: process.env.UNLEARN_RESULTS_ROOT, cache: process.env.UNLEARN_CACHE };
  let resultsRoot = '';
  let before = '';
  let printed: string[] = [];
  beforeAll(async () => {
    resultsRoot = tmp();
    before = git(root, 'status', '--porcelain', '--', 'results/single-round');
    process.env.UNLEARN_RESULTS_ROOT = resultsRoot;
    process.env.UNLEARN_CACHE = tmp();
    const e = getExperiment('single-round');
    // The real runner with one method, and the report without figures (the preset's seven methods and the Chromium
    // rendering take minutes on a shared 2-core machine; both are tested elsewhere); the rest is main's own path.
    vi.spyOn(e, 'run').mockImplementation((o) => runSingleRound({ ...o, methods: ['cf'] }));
    vi.spyOn(e, 'output').mockImplementation((r) => ({ ...singleRoundOutput(r as SingleRoundResult), figures: [] }));
    const log = console.log;
    printed = [];
    console.log = (...a: unknown[]) => printed.push(a.join(' '));
    try {
      await buildProgram().parseAsync(['node', 'unlearn-lab', 'main', '--preset', 'smoke', '--quiet']);
    } finally {
      console.log = log;
    }
  }, 300_000);
  afterAll(() => {
    vi.restoreAllMocks();
    for (const [k, v] of [['UNLEARN_RESULTS_ROOT', saved.root], ['UNLEARN_CACHE', saved.cache]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('writes a run folder of its own under runs/, says where, and leaves results/ untouched', () => {
    expect(fs.readdirSync(resultsRoot)).toEqual(['runs']);
    const runs = fs.readdirSync(path.join(resultsRoot, 'runs'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^\d{8}T\d{6}Z-single-round-smoke$/);
    const dir = path.join(resultsRoot, 'runs', runs[0]);
    expect(fs.readdirSync(dir)).toEqual(expect.arrayContaining(['results.json', 'report.html']));
    expect(printed.join('\n')).toContain(`results in ${dir}${path.sep}`);
    // The repository's committed results (what npm start used to overwrite) are as they were.
    expect(git(root, 'status', '--porcelain', '--', 'results/single-round')).toBe(before);
  });

  it('results.json has the provenance (every field, with its type) beside the result; the report shows it', () => {
    const runs = path.join(resultsRoot, 'runs');
    const dir = path.join(runs, fs.readdirSync(runs)[0]);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as Record<string, unknown>;
    expect(json).toHaveProperty('rows');
    const p = provenanceOf(json)!;
    expectProvenance(p);
    expect(p.experiment).toBe('single-round');
    expect(p.preset).toBe('smoke');
    expect(p.presetHash).toBe(settingsHash(getExperiment('single-round').settings('smoke')));
    // The recorded command reruns into the same folder (it is outside the working directory: absolute).
    expect(p.command).toBe(`npx unlearn-lab main --preset smoke --out ${dir}`);
    expect(p.env.UNLEARN_RESULTS_ROOT).toBe(resultsRoot);
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    for (const s of [
      `command: ${p.command}`,
      `git ${p.git.commit!.slice(0, 12)}`,
      `${p.machine.logicalCores} logical cores`,
      `Node ${p.versions.node}, tfjs ${p.versions.tfjs}`,
      `load ${p.load.start.join('/')} at start`,
      `preset smoke (settings sha256 ${p.presetHash})`,
      `started ${p.started}, finished ${p.finished}`,
    ]) {
      expect(html).toContain(s);
    }
  });
});

describe('committed results.json files load with and without provenance', () => {
  const committed = allExperiments().filter((e) => hasCommittedResults(e.name, 'cpu'));

  it('old files (no provenance key) load through committed.ts; the same file with one gives the same tables', () => {
    expect(committed.length).toBeGreaterThan(0);
    const dir = tmp();
    for (const e of committed) {
      // Files written before provenance have none; newer ones are tested here without theirs.
      const stored = loadCommittedResults<Record<string, unknown>>(e.name, 'cpu');
      const old = Object.fromEntries(Object.entries(stored).filter(([k]) => k !== 'provenance'));
      expect(provenanceOf(old), e.name).toBeNull();
      const target = path.join(dir, 'results', e.name, 'cpu');
      fs.mkdirSync(target, { recursive: true });
      fs.writeFileSync(path.join(target, 'results.json'), JSON.stringify({ ...old, provenance: { schema: 1, command: 'npx unlearn-lab x --preset cpu' } }));
      const withIt = loadCommittedResults<Record<string, unknown>>(e.name, 'cpu', dir);
      expect(provenanceOf(withIt)?.command, e.name).toBe('npx unlearn-lab x --preset cpu');
      expect(e.output(withIt, { preset: 'cpu' }).tables, e.name).toEqual(e.output(old, { preset: 'cpu' }).tables);
    }
  });
});

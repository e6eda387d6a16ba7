import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { engineInfo } from '../../engine/init';
import { wasmThreadsInfo } from '../../engine/wasm-threads';
import { packageVersion } from './code-hash';
import { repositoryRoot } from './committed';
import { RUN_FLAGS, type RunFlag, type RunOptions } from './experiment';
import type { PresetName } from './presets';
import { trainingCodeVersion } from './scenario';

/**
 * Where a results.json / report.html came from: the code (git commit, dirty flag, versions), the
 * machine (CPU, cores, the backend and wasm threads the run used, load), the preset (name and a hash
 * of its resolved settings), the exact command, and when it ran (start, finish, seconds per phase).
 * runExperiment collects it; results.json keeps it under `provenance`, report.html in its meta lines.
 */
export interface Provenance {
  /** Format version of this object. */
  schema: 1;
  experiment: string;
  /** The command that made the files, runnable as written (e.g. `npx unlearn-lab single-round --preset cpu`). */
  command: string;
  preset: PresetName;
  /** The first 12 hex digits of the sha256 of the experiment's resolved preset settings (Experiment.settings), keys sorted. */
  presetHash: string;
  /** The run flags that were set (beyond the preset), as the runner got them. */
  options: Partial<Pick<RunOptions, RunFlag>>;
  git: GitState;
  machine: MachineInfo;
  versions: { node: string; tfjs: string | null; unlearnLab: string; trainingCode: string };
  /** The UNLEARN_* environment variables that were set (backend, threads, cache, results root, data folders). */
  env: Record<string, string>;
  /** os.loadavg() (1, 5 and 15 minutes) when the run started and when its files were written. */
  load: { start: number[]; end: number[] };
  /** ISO times: the run's start, and the moment results.json and report.html were written. */
  started: string;
  finished: string;
  /** Wall seconds per phase (preflight: checks, git and the output lock; run: the experiment; views: tables and figures; write: figure rendering and CSVs) and in all. */
  seconds: Record<string, number>;
  /**
   * A result put together from cells (a sweep's, or a run's own seeds, some perhaps resumed from an
   * earlier run): each cell's time, host and run record, and for a sweep the merge command that put them
   * together. For a sweep's merge the `run` phase above is the merge alone, and `command` the equivalent single run.
   */
  cells?: CellsRecord;
}

export interface CellsRecord {
  /** The command that merged them (`npx unlearn-lab merge <sweep folder>`); null for a run's own seed cells. */
  mergedBy: string | null;
  runs: { label: string; seconds: number; host: string; finished: string; run: CellRun | null }[];
}

/** The git state of the checkout the code runs from; commit and dirty are null (with the reason) where there is none. */
export interface GitState {
  commit: string | null;
  /** Any tracked change or untracked file (`git status --porcelain` not empty). */
  dirty: boolean | null;
  /** Entries of `git status --porcelain` (changed and untracked files). */
  changes: number | null;
  /** Why commit is null (not a git checkout, no git); null when it is known. */
  reason: string | null;
}

export interface MachineInfo {
  cpu: string;
  logicalCores: number;
  memoryGiB: number;
  /** e.g. 'linux x64 6.1.0-18-amd64'. */
  platform: string;
  /** The compute backend the run used (null when the engine was never started). */
  backend: string | null;
  /** The engine's own description of it (for wasm: threads, threaded build). */
  engine: string | null;
  /** The wasm threads the run used; null when the backend was not wasm. */
  wasmThreads: number | null;
}

const git = (dir: string, args: string[]): string =>
  execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
    // status must not take the index lock (a concurrent git command in the checkout would fail).
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
  });

/**
 * The commit and dirty flag of `dir` when it is the top of a git checkout (the repository root by
 * default): one `git status --porcelain=v2 --branch`, leaving out the run's own results folder `outDir`. A package installed under node_modules of another
 * repository is not that repository's code, so a folder without its own .git counts as no checkout.
 */
export function gitState(dir: string = repositoryRoot(), outDir?: string): GitState {
  const none = (reason: string): GitState => ({ commit: null, dirty: null, changes: null, reason });
  if (!fs.existsSync(path.join(dir, '.git'))) {
    let top: string | null = null;
    try {
      top = git(dir, ['rev-parse', '--show-toplevel']).trim();
    } catch {
      // Not inside any checkout, or no git: both mean no commit to record.
    }
    return none(top == null ? `${dir} is not a git checkout (an installed package?)` : `${dir} is not a git checkout (it lies inside ${top}, another repository)`);
  }
  try {
    // The run's own results folder (and its lock and temp siblings) is output, not a change to the code.
    const rel = outDir == null ? null : path.relative(dir, path.resolve(outDir));
    const exclude = rel != null && rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? ['--', '.', `:(exclude,glob)${rel}*`, `:(exclude,glob)${rel}*/**`] : [];
    const lines = git(dir, ['status', '--porcelain=v2', '--branch', '--untracked-files=all', ...exclude]).split('\n').filter((l) => l !== '');
    const oid = lines.find((l) => l.startsWith('# branch.oid '))?.slice('# branch.oid '.length);
    if (oid == null || !/^[0-9a-f]{40,64}$/.test(oid)) return none(`${dir} is a git checkout without a commit`);
    const changes = lines.filter((l) => !l.startsWith('#')).length;
    return { commit: oid, dirty: changes > 0, changes, reason: null };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') return none('git is not installed');
    return none(`git failed: ${(err.stderr ?? err.message).toString().trim().split('\n')[0]}`);
  }
}

/** JSON with object keys sorted at every level, so a hash does not depend on the order settings are written in. */
export function canonicalJson(x: unknown): string {
  return JSON.stringify(x, (_key, value: unknown) =>
    value != null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

/** The first 12 hex digits of the sha256 of the settings' canonical JSON. */
export function settingsHash(settings: unknown): string {
  return createHash('sha256').update(canonicalJson(settings ?? null)).digest('hex').slice(0, 12);
}

function tfjsVersion(): string | null {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve('@tensorflow/tfjs-core/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

export { packageVersion };

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const loadavg = () => os.loadavg().map((x) => round(x, 2));

function machine(): MachineInfo {
  const cpus = os.cpus();
  const engine = engineInfo();
  return {
    cpu: cpus[0]?.model?.trim() || 'unknown',
    logicalCores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    backend: engine?.backend ?? null,
    engine: engine?.detail ?? null,
    wasmThreads: engine?.backend === 'wasm' ? wasmThreadsInfo().threads : null,
  };
}

function unlearnEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env)
      .filter((e): e is [string, string] => e[0].startsWith('UNLEARN_') && e[1] != null)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

export interface ProvenanceStart {
  experiment: string;
  command: string;
  preset: PresetName;
  /** The experiment's resolved settings for the preset (Experiment.settings). */
  settings: unknown;
  options: RunOptions;
  /** The checkout to read the git state of (default: the repository root). */
  gitDir?: string;
}

/**
 * Collects a run's provenance: what is known at the start now (git, versions, load), the rest when
 * `finish()` is called (engine, load, finish time). Phases follow each other: `phase(name)` ends the
 * current one and starts the next.
 */
export class ProvenanceRecorder {
  private readonly t0 = performance.now();
  private readonly started = new Date().toISOString();
  private readonly startLoad = loadavg();
  private readonly seconds: Record<string, number> = {};
  private current: { name: string; t: number } | null = null;
  private cells: CellsRecord | undefined;
  private readonly base: Pick<Provenance, 'experiment' | 'command' | 'preset' | 'presetHash' | 'options' | 'git' | 'versions' | 'env'>;

  constructor(s: ProvenanceStart) {
    this.phase('preflight');
    const options: Partial<Pick<RunOptions, RunFlag>> = {};
    for (const f of RUN_FLAGS) if (s.options[f] !== undefined) Object.assign(options, { [f]: s.options[f] });
    this.base = {
      experiment: s.experiment,
      command: s.command,
      preset: s.preset,
      presetHash: settingsHash(s.settings),
      options,
      git: gitState(s.gitDir, s.options.outDir),
      versions: { node: process.version, tfjs: tfjsVersion(), unlearnLab: packageVersion(), trainingCode: trainingCodeVersion() },
      env: unlearnEnv(),
    };
  }

  /** Ends the current phase and starts `name`. */
  phase(name: string): void {
    const now = performance.now();
    if (this.current != null) this.seconds[this.current.name] = (this.seconds[this.current.name] ?? 0) + (now - this.current.t) / 1000;
    this.current = { name, t: now };
  }

  /** Records that the result was put together from these cells. */
  fromCells(cells: CellsRecord): void {
    this.cells = cells;
  }

  /** Ends the current phase; the provenance as of now. */
  finish(): Provenance {
    const now = performance.now();
    if (this.current != null) this.seconds[this.current.name] = (this.seconds[this.current.name] ?? 0) + (now - this.current.t) / 1000;
    this.current = null;
    const seconds = Object.fromEntries(Object.entries({ ...this.seconds, total: (now - this.t0) / 1000 }).map(([k, v]) => [k, round(v, 3)]));
    const b = this.base;
    return {
      schema: 1,
      experiment: b.experiment,
      command: b.command,
      preset: b.preset,
      presetHash: b.presetHash,
      options: b.options,
      git: b.git,
      machine: machine(),
      versions: b.versions,
      env: b.env,
      load: { start: this.startLoad, end: loadavg() },
      started: this.started,
      finished: new Date().toISOString(),
      seconds,
      ...(this.cells ? { cells: this.cells } : {}),
    };
  }
}

/** What a sweep cell records of how it ran: merged results list it per cell (Provenance.cells). */
export interface CellRun {
  started: string;
  git: GitState;
  /** os.loadavg() when the cell started and when it finished. */
  load: { start: number[]; end: number[] };
  backend: string | null;
  wasmThreads: number | null;
}

/** Starts recording a cell's run (git state and load now); the returned function completes the record. */
export function startCellRun(): () => CellRun {
  const started = new Date().toISOString();
  const start = loadavg();
  const git = gitState();
  return () => {
    const m = machine();
    return { started, git, load: { start, end: loadavg() }, backend: m.backend, wasmThreads: m.wasmThreads };
  };
}

const fmtSeconds = (s: number) => (s >= 100 ? `${s.toFixed(0)} s` : `${s.toFixed(1)} s`);

/** The report's meta lines for a provenance (compact: command, times, code, machine, preset). */
export function provenanceMeta(p: Provenance): string[] {
  const g = p.git;
  const code = g.commit != null ? `git ${g.commit.slice(0, 12)}${g.dirty ? ` (dirty: ${g.changes} changed or untracked files)` : ' (clean)'}` : `no git commit (${g.reason})`;
  const phases = Object.entries(p.seconds)
    .filter(([k]) => k !== 'total')
    .map(([k, v]) => `${k} ${fmtSeconds(v)}`)
    .join(', ');
  const m = p.machine;
  const backend = m.backend == null ? 'no engine' : m.wasmThreads != null ? `${m.backend} ${m.wasmThreads} thread${m.wasmThreads === 1 ? '' : 's'}` : m.backend;
  const env = Object.entries(p.env).map(([k, v]) => `${k}=${v}`);
  return [
    `command: ${p.command}`,
    `started ${p.started}, finished ${p.finished}; ${fmtSeconds(p.seconds.total)} (${phases})`,
    `code: ${code}; unlearn-lab ${p.versions.unlearnLab} (training code ${p.versions.trainingCode}), Node ${p.versions.node}, tfjs ${p.versions.tfjs ?? 'unknown'}`,
    `machine: ${m.cpu}, ${m.logicalCores} logical cores, ${m.memoryGiB} GiB; ${backend}; load ${p.load.start.join('/')} at start, ${p.load.end.join('/')} at end` +
      (env.length ? `; ${env.join(' ')}` : ''),
    `preset ${p.preset} (settings sha256 ${p.presetHash})`,
    ...(p.cells ? [cellsMeta(p.cells)] : []),
  ];
}

function cellsMeta(c: CellsRecord): string {
  const total = c.runs.reduce((a, r) => a + r.seconds, 0);
  const commits = [...new Set(c.runs.map((r) => (r.run == null ? 'not recorded' : r.run.git.commit == null ? 'no commit' : `${r.run.git.commit.slice(0, 12)}${r.run.git.dirty ? ' dirty' : ''}`)))];
  const how = c.mergedBy != null ? `merged by \`${c.mergedBy}\` from` : 'put together from';
  return `${how} ${c.runs.length} cell(s) computed in ${fmtSeconds(total)} in all (${c.runs.map((r) => `${r.label} ${fmtSeconds(r.seconds)}`).join('; ')}); their code: git ${commits.join(', ')}`;
}

/** The provenance of a result read back from results.json, or null for files written before it was recorded. */
export function provenanceOf(result: unknown): Provenance | null {
  if (result == null || typeof result !== 'object') return null;
  const p = (result as { provenance?: unknown }).provenance;
  return p != null && typeof p === 'object' ? (p as Provenance) : null;
}

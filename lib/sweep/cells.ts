import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { canonicalJson, type CellRun, type CellsRecord } from '../experiments/shared/provenance';
import { decodeJson, encodeJson } from './codec';

/**
 * A cell: one unit of a sweep that one process computes and writes as one file. Its config is
 * everything that determines its numbers (the experiment or LiRA setting, the preset's resolved settings
 * as a hash, the seed or shadow, the code version), and its key is a hash of that config, so a
 * finished cell is found again by any later run of the same config and never by another.
 */
export type CellConfig = ExperimentCellConfig | LiraTargetConfig | LiraShadowConfig;

/** An experiment run on one seed (`seed`), or on seeds 0..n-1 at once (`seeds`) where it cannot be split. */
export interface ExperimentCellConfig {
  kind: 'experiment';
  experiment: string;
  preset: string;
  seed: number | null;
  seeds: number | null;
  methods: string[] | null;
  dataset: string | null;
  /** --model and --forget where given (absent otherwise, so the keys of runs without them are unchanged). */
  model?: string;
  forget?: string;
  /** Experiment.settings(preset) hashed (provenance.settingsHash). */
  settingsHash: string;
  code: string;
}

/** What a LiRA audit of a memorisation-regime candidate is: the candidate's data and recipe (hashed), the shadow count and the audit seed. */
interface LiraBase {
  preset: string;
  candidate: string;
  shadows: number;
  seed: number;
  settingsHash: string;
  code: string;
}

/** The audited models' side: the original (target) and its Retrain, scored on the population. */
export interface LiraTargetConfig extends LiraBase {
  kind: 'lira-target';
}

/** One shadow model of the audit: trained on its half of the population, scored on all of it. */
export interface LiraShadowConfig extends LiraBase {
  kind: 'lira-shadow';
  shadow: number;
}

export const CELL_SCHEMA = 1;

/** The first 16 hex digits of the sha256 of the config's canonical JSON. */
export function cellKey(config: CellConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 16);
}

/** A short human name of a cell, for logs and status lines. */
export function cellLabel(c: CellConfig): string {
  if (c.kind === 'experiment') {
    const parts = [c.experiment, c.preset, c.dataset, c.methods?.join('+'), c.seed != null ? `seed ${c.seed}` : `seeds 0..${(c.seeds ?? 1) - 1}`];
    return parts.filter((x) => x != null).join(' ');
  }
  return `lira ${c.candidate} ${c.preset} ${c.kind === 'lira-target' ? 'target' : `shadow ${c.shadow + 1}/${c.shadows}`}`;
}

/** A finished cell as its file holds it. */
export interface CellFile<R = unknown> {
  schema: number;
  key: string;
  config: CellConfig;
  result: R;
  /** Seconds the cell took, where it ran and when it finished. */
  seconds: number;
  host: string;
  pid: number;
  finished: string;
  /** Its git state, load and engine (cells written before this was recorded have none). */
  run?: CellRun;
}

/** The provenance record of a result put together from these cells (merged by `mergedBy`, or a run's own seeds when null). */
export function cellsRecord(cells: readonly CellFile[], mergedBy: string | null): CellsRecord {
  return { mergedBy, runs: cells.map((c) => ({ label: cellLabel(c.config), seconds: c.seconds, host: c.host, finished: c.finished, run: c.run ?? null })) };
}

/** A cell file that exists but must not be used as it is; the message names the file and what to do. */
export class CellFileError extends Error {}

/** A cell file that is not whole (cut short, not JSON, another schema): set aside and computed again. */
export class UnreadableCellError extends CellFileError {}

/**
 * The finished cells of a sweep: `<dir>/<key>.json`, each written atomically (temp file + fsync +
 * rename, lib/io/atomic), so a file under its real name is whole; a killed writer leaves at most a
 * `.<key>.json.<pid>.<random>.tmp` beside it, which is never read and is removed once its writer is dead.
 * Failed cells leave `<dir>/failed/<key>.json` (the error, the host) until they succeed.
 */
export class CellStore {
  readonly dir: string;
  private readonly log: (line: string) => void;

  constructor(dir: string, log: (line: string) => void = (line) => console.warn(line)) {
    this.log = log;
    this.dir = path.resolve(dir);
    fs.mkdirSync(path.join(this.dir, 'failed'), { recursive: true });
  }

  file(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  failedFile(key: string): string {
    return path.join(this.dir, 'failed', `${key}.json`);
  }

  /**
   * The finished cell of `config`, or null when it has none. A file that cannot be read as a whole cell
   * file (cut short, not JSON, another schema) is set aside as `<file>.corrupt-<time>` with a notice and
   * the cell counts as not run, as progress.json and the model cache do. A whole file whose config no
   * longer hashes to its key (edited, or copied under another name) throws CellFileError: it is never
   * used, and not silently computed over either.
   */
  read<R = unknown>(config: CellConfig): CellFile<R> | null {
    const key = cellKey(config);
    const file = this.file(key);
    if (!fs.existsSync(file)) return null;
    let cell: CellFile<R>;
    try {
      cell = readCellFile<R>(file);
    } catch (e) {
      if (!(e instanceof UnreadableCellError)) throw e;
      const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(file, aside);
      this.log(`${e.message} Set it aside as ${aside}; the cell (${cellLabel(config)}) is computed again.`);
      return null;
    }
    if (canonicalJson(cell.config) !== canonicalJson(config)) {
      throw new CellFileError(`${file}: the cell's config is not the one its key names (${cellLabel(config)}). Delete the file to compute the cell again.`);
    }
    return cell;
  }

  has(config: CellConfig): boolean {
    return this.read(config) != null;
  }

  /** Writes a finished cell atomically and clears its failure record. */
  write<R>(config: CellConfig, result: R, seconds: number, run?: CellRun): CellFile<R> {
    const key = cellKey(config);
    const cell: CellFile<R> = {
      schema: CELL_SCHEMA,
      key,
      config,
      result,
      seconds: Number(seconds.toFixed(3)),
      host: os.hostname(),
      pid: process.pid,
      finished: new Date().toISOString(),
      ...(run ? { run } : {}),
    };
    writeFileAtomic(this.file(key), `${encodeJson(cell)}\n`);
    fs.rmSync(this.failedFile(key), { force: true });
    return cell;
  }

  /** Records that a cell failed (what the status lists for resubmission). */
  fail(config: CellConfig, error: unknown, where: string): void {
    const e = error as Error;
    const record = { key: cellKey(config), label: cellLabel(config), where, host: os.hostname(), pid: process.pid, error: e?.message ?? String(error), time: new Date().toISOString() };
    writeFileAtomic(this.failedFile(record.key), `${JSON.stringify(record, null, 1)}\n`);
  }

  /** The failure record of a cell, or null. */
  failure(config: CellConfig): { error: string; where: string; host: string; time: string } | null {
    const f = this.failedFile(cellKey(config));
    if (!fs.existsSync(f)) return null;
    try {
      return JSON.parse(fs.readFileSync(f, 'utf8')) as { error: string; where: string; host: string; time: string };
    } catch {
      return { error: `unreadable failure record ${f}`, where: '?', host: '?', time: '?' };
    }
  }

  /** Temp files of writers that were killed (their pid is gone on this host): removed, never read. */
  removeStaleTemps(): string[] {
    const removed: string[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      const m = /^\.[0-9a-f]{16}\.json\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
      if (m == null || isAlive(Number(m[1]))) continue;
      fs.rmSync(path.join(this.dir, name), { force: true });
      removed.push(name);
    }
    return removed;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads and checks one cell file: whole JSON, this schema, a key equal to its name and to the hash of its config. */
export function readCellFile<R = unknown>(file: string): CellFile<R> {
  const text = fs.readFileSync(file, 'utf8');
  let cell: CellFile<R>;
  try {
    cell = decodeJson(text) as CellFile<R>;
  } catch (e) {
    throw new UnreadableCellError(`${file} is not a whole cell file (${(e as Error).message}).`);
  }
  if (cell == null || typeof cell !== 'object' || cell.schema !== CELL_SCHEMA || cell.config == null || typeof cell.key !== 'string') {
    throw new UnreadableCellError(`${file} is not a cell file of schema ${CELL_SCHEMA}.`);
  }
  const name = path.basename(file, '.json');
  const actual = cellKey(cell.config);
  if (cell.key !== name || actual !== name) {
    throw new CellFileError(
      `${file}: its config no longer matches its hash (the file is named ${name}, records key ${cell.key}, and its config hashes to ${actual}); ` +
        'the file was edited or copied under another name. Delete it to compute the cell again, or restore the original file.',
    );
  }
  return cell;
}

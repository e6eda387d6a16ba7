import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../io/atomic';

/**
 * The resumable part of the memorisation-regime run: every finished cell (a candidate x seed, or a
 * LiRA audit) is kept under a key that hashes what determines it (data, recipe, seed, shadows).
 *
 * Where it lives: the run's output folder (`RunOptions.outDir`). While a run is going, each finished
 * cell is written at once to `<outDir>/progress.json` (atomically: temp file + rename, so the file is
 * whole or absent, never half-written). A run that ends commits its results folder over `<outDir>`
 * (lib/io/run-folder), and its results.json holds the same cells: so on start the cells are read from
 * `<outDir>/results.json` (a finished run) and then `<outDir>/progress.json` (a killed one, which
 * takes precedence). A progress.json that cannot be read as this experiment's progress is set aside
 * as `progress.json.corrupt-<time>` with a notice and its cells are computed again; an unreadable
 * results.json (another experiment's, an older format) is ignored with a notice and left alone.
 */
export const PROGRESS_FILE = 'progress.json';
export const PROGRESS_VERSION = 1;

/** A stored cell: any JSON object with its key. */
export interface KeyedCell {
  key: string;
}

export interface ProgressData<C extends KeyedCell, L extends KeyedCell> {
  experiment: string;
  version: number;
  cells: C[];
  lira: L[];
}

/** Checks one cell read back from disk (throws naming what is wrong); the runner supplies it. */
export type CellCheck = (cell: unknown, where: string) => void;

/** Parses a progress or results file of `experiment`; throws a message naming the file and the problem. */
export function parseProgress<C extends KeyedCell, L extends KeyedCell>(
  text: string,
  file: string,
  experiment: string,
  check: { cell: CellCheck; lira: CellCheck },
): ProgressData<C, L> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}).`);
  }
  const d = data as Partial<ProgressData<C, L>> | null;
  if (d == null || typeof d !== 'object') throw new Error(`${file} holds ${JSON.stringify(data)}, not an object.`);
  if (d.experiment !== experiment) throw new Error(`${file} belongs to experiment ${JSON.stringify(d.experiment)}, not '${experiment}'.`);
  if (d.version !== PROGRESS_VERSION) throw new Error(`${file} has format version ${JSON.stringify(d.version)}; this code reads version ${PROGRESS_VERSION}.`);
  if (!Array.isArray(d.cells)) throw new Error(`${file} has no cells list.`);
  const lira = d.lira ?? [];
  if (!Array.isArray(lira)) throw new Error(`${file}: 'lira' is not a list.`);
  const keyOf = (c: unknown, where: string): void => {
    if (c == null || typeof c !== 'object' || typeof (c as KeyedCell).key !== 'string' || (c as KeyedCell).key === '') {
      throw new Error(`${where} has no key.`);
    }
  };
  d.cells.forEach((c, i) => {
    keyOf(c, `${file}: cell ${i}`);
    check.cell(c, `${file}: cell ${i}`);
  });
  lira.forEach((c, i) => {
    keyOf(c, `${file}: LiRA cell ${i}`);
    check.lira(c, `${file}: LiRA cell ${i}`);
  });
  return { experiment, version: PROGRESS_VERSION, cells: d.cells, lira };
}

/** The finished cells of a run, read from its output folder on start and written back after every new cell. */
export class ProgressStore<C extends KeyedCell, L extends KeyedCell> {
  private readonly cells = new Map<string, C>();
  private readonly liraCells = new Map<string, L>();

  private constructor(
    readonly experiment: string,
    /** Where new cells are written; null = in memory only (no output folder given). */
    readonly file: string | null,
  ) {}

  /** The cells already finished in `outDir` (see the file comment), or an empty in-memory store when outDir is undefined. */
  static open<C extends KeyedCell, L extends KeyedCell>(
    experiment: string,
    outDir: string | undefined,
    check: { cell: CellCheck; lira: CellCheck },
    log: (line: string) => void,
  ): ProgressStore<C, L> {
    if (outDir == null) return new ProgressStore<C, L>(experiment, null);
    const store = new ProgressStore<C, L>(experiment, path.join(path.resolve(outDir), PROGRESS_FILE));
    const results = path.join(path.resolve(outDir), 'results.json');
    if (fs.existsSync(results)) {
      try {
        store.take(parseProgress<C, L>(fs.readFileSync(results, 'utf8'), results, experiment, check));
      } catch (e) {
        log(`Not resuming from ${results}: ${(e as Error).message}`);
      }
    }
    const file = store.file!;
    if (fs.existsSync(file)) {
      try {
        store.take(parseProgress<C, L>(fs.readFileSync(file, 'utf8'), file, experiment, check));
      } catch (e) {
        const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        fs.renameSync(file, aside);
        log(`The progress file is unreadable: ${(e as Error).message} Set it aside as ${aside}; its cells are computed again.`);
      }
    }
    return store;
  }

  private take(d: ProgressData<C, L>): void {
    for (const c of d.cells) this.cells.set(c.key, c);
    for (const c of d.lira) this.liraCells.set(c.key, c);
  }

  get size(): number {
    return this.cells.size + this.liraCells.size;
  }

  cell(key: string): C | undefined {
    return this.cells.get(key);
  }

  lira(key: string): L | undefined {
    return this.liraCells.get(key);
  }

  addCell(c: C): void {
    this.cells.set(c.key, c);
    this.write();
  }

  addLira(c: L): void {
    this.liraCells.set(c.key, c);
    this.write();
  }

  /** Every known cell (also those of candidates this run does not list), written whole and atomically. */
  private write(): void {
    if (this.file == null) return;
    const data: ProgressData<C, L> = { experiment: this.experiment, version: PROGRESS_VERSION, cells: [...this.cells.values()], lira: [...this.liraCells.values()] };
    writeFileAtomic(this.file, `${JSON.stringify(data, null, 1)}\n`);
  }
}

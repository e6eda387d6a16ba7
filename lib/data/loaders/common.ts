import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathSetting } from '../../io/preflight';
import { makeDataset, normaliseInPlace, type Dataset } from '../dataset';

/** Options every file-based loader accepts. */
export interface LoaderOptions {
  /** Directory holding the dataset's files; else the dataset's env var; else `<data home>/<name>`. */
  dir?: string;
  /** Per-channel normalisation (on [0,1] pixels); defaults to the values the reference code uses. */
  mean?: number[];
  std?: number[];
  /**
   * How many images the split must hold: default the published size of the full split (a half-unpacked
   * or truncated copy is an error, not a smaller dataset); a number for a deliberate subset copy
   * (e.g. test fixtures); false to skip the check.
   */
  expectCount?: number | false;
}

/**
 * Checks the number of images a split holds against `opts.expectCount`, else the published size.
 * `where` names the file or folder read; `script` the download script that restores it.
 */
export function checkCount(dataset: string, split: string, found: number, published: number, expectCount: number | false | undefined, where: string, script: string): void {
  if (expectCount === false) return;
  if (expectCount !== undefined && (!Number.isInteger(expectCount) || expectCount < 0)) {
    throw new Error(`${dataset}: expectCount must be an integer >= 0 or false, got ${JSON.stringify(expectCount)}.`);
  }
  const want = expectCount ?? published;
  if (found === want) return;
  const why = expectCount === undefined ? `the published size of the ${split} split` : 'as expectCount asks';
  throw new Error(
    `${dataset} ${split}: ${where} holds ${found} images, expected ${want} (${why}). The copy is incomplete or a different one: ` +
      `re-run data-scripts/${script}, or, to load a subset on purpose, pass { expectCount: ${found} } (or false to skip the check).`,
  );
}

/**
 * Root of the default data directories: env UNLEARN_DATA_HOME, else ~/.cache/unlearn-lab/data.
 * The download scripts in data-scripts/ write to `<root>/<dataset>` by default.
 */
export function dataHome(): string {
  return pathSetting(process.env.UNLEARN_DATA_HOME, 'UNLEARN_DATA_HOME') ?? path.join(os.homedir(), '.cache', 'unlearn-lab', 'data');
}

/** What a loader needs to find its directory and to explain a missing one. */
export interface DirSpec {
  dataset: string;
  envVar: string;
  script: string;
  expected: string;
  /** Sub-folders that archives unpack into (e.g. cifar-10-batches-bin), tried inside the directory. */
  subdirs?: string[];
  /** True when the directory holds what the loader needs. */
  looksRight: (dir: string) => boolean;
}

/**
 * The directory to read: the one given, else the env var, else `<data home>/<dataset>`; inside it,
 * the first of (itself, its known archive sub-folders) that holds the expected files.
 */
export function resolveDataDir(spec: DirSpec, dir?: string): string {
  const base = dir ?? pathSetting(process.env[spec.envVar], spec.envVar) ?? path.join(dataHome(), spec.dataset);
  const fix = `Run data-scripts/${spec.script} (it downloads and verifies the files), pass the directory as { dir }, or set ${spec.envVar}.`;
  if (!fs.existsSync(base) || !fs.statSync(base).isDirectory()) {
    throw new Error(`${spec.dataset}: directory ${base} does not exist. Expected ${spec.expected}. ${fix}`);
  }
  for (const candidate of [base, ...(spec.subdirs ?? []).map((s) => path.join(base, s))]) {
    if (fs.existsSync(candidate) && spec.looksRight(candidate)) return candidate;
  }
  throw new Error(`${spec.dataset}: ${base} does not hold ${spec.expected}. ${fix}`);
}

/** Reads a whole file, naming the dataset and the fix when it is missing. */
export function readDataFile(dataset: string, file: string, script: string): Buffer {
  if (!fs.existsSync(file)) {
    throw new Error(`${dataset}: file ${file} is missing. Run data-scripts/${script} or pass the directory that holds it.`);
  }
  return fs.readFileSync(file);
}

/** Sorted names of the entries of a directory that satisfy a predicate. */
export function sortedEntries(dir: string, keep: (name: string, full: string) => boolean): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => keep(n, path.join(dir, n)))
    .sort();
}

export function isDirectory(p: string): boolean {
  return fs.existsSync(p) && fs.statSync(p).isDirectory();
}

export function checkStats(dataset: string, mean: number[], std: number[], channels: number): void {
  if (mean.length !== channels || std.length !== channels || std.some((s) => !(s > 0))) {
    throw new Error(`${dataset}: mean and std need ${channels} values each and std > 0; got mean [${mean}] std [${std}].`);
  }
}

/**
 * Builds a Dataset from 8-bit HWC pixels: scales to [0,1], normalises per channel and checks
 * labels against the class list.
 */
export function datasetFromBytes(d: {
  name: string;
  split: string;
  pixels: Uint8Array | Float32Array;
  labels: Int32Array;
  ids: Int32Array;
  shape: [number, number, number];
  classNames: string[];
  mean: number[];
  std: number[];
  /** True when pixels already hold [0,1] floats (e.g. after resizing). */
  unitRange?: boolean;
}): Dataset {
  checkStats(d.name, d.mean, d.std, d.shape[2]);
  const images = new Float32Array(d.pixels.length);
  const scale = d.unitRange ? 1 : 1 / 255;
  for (let i = 0; i < images.length; i++) images[i] = d.pixels[i] * scale;
  normaliseInPlace(images, d.mean, d.std);
  return makeDataset({
    name: d.name,
    split: d.split,
    images,
    labels: d.labels,
    ids: d.ids,
    shape: d.shape,
    classNames: d.classNames,
    mean: d.mean,
    std: d.std,
  });
}

/** Throws a clear error when a split name is not one the dataset has. */
export function checkSplit<S extends string>(dataset: string, split: string, splits: readonly S[]): S {
  if (!(splits as readonly string[]).includes(split)) {
    throw new Error(`${dataset}: unknown split '${split}'. Use one of: ${splits.join(', ')}.`);
  }
  return split as S;
}

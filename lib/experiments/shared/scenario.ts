import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { createHash } from 'node:crypto';
import { init, type EngineInfo } from '../../engine/init';
import { Rng } from '../../engine/rng';
import { size, subsetByIds, type Dataset } from '../../data/dataset';
import { loadDataset } from '../../data/loaders';
import { capPerClass, classSplit, instanceSplit, testPoolSplit, uniformSplit } from '../../data/splits';
import type { Classifier } from '../../models/classifier';
import type { TrainRecipe } from '../pretrain';
import { loadCheckpoint, saveCheckpoint } from '../../models/checkpoint';
import { createModel } from '../../models/registry';
import { accuracy } from '../../train/evaluate';
import { fit } from '../../train/fit';
import type { ProgressSink } from '../../train/progress';
import { pathSetting } from '../../io/preflight';
import { codeHash, packageVersion } from './code-hash';

/** Which data an experiment uses: a dataset of the loader registry, optionally capped per class. */
export interface ExperimentData {
  dataset: string;
  /** Keep at most this many training images per class (a seeded subset); undefined = all. */
  trainPerClass?: number;
  /** Keep at most this many test images per class; undefined = all. */
  testPerClass?: number;
  /** Share of the test set used as A-AMU's class-matched pool (DC_Unlearning: 0.7; the rest is the evaluation split). */
  testPoolFraction: number;
}

/** How the original (pre-unlearning) model is trained. */
export type { TrainRecipe };

/**
 * A forget request: DC_Unlearning's 10 % uniform, one whole class, SULI's n random instances, or the 2024
 * paper's arbitrary-partial request (a random fraction of some classes' samples).
 */
export type ForgetRequest =
  | { kind: 'uniform'; fraction: number }
  | { kind: 'class'; classes: (number | string)[] }
  | { kind: 'instances'; n: number }
  | { kind: 'partial'; fraction: number; classes: (number | string)[] }
  | { kind: 'ids'; file: string }
  /** Ids chosen by a rule at run time (e.g. the memorised samples of the MIA defence); `rule` names it in tables. */
  | { kind: 'selected'; ids: readonly number[]; rule: string };

const FORGET_FORMS = 'uniform:<fraction>, class:<c>[+<c>...], partial:<fraction>:<c>[+<c>...] or ids:<file>';

/**
 * A forget request in the CLI's words: 'uniform:0.1', 'class:0' or 'class:0+3' (indices or names),
 * 'partial:0.1:1+2+3' (10% of those classes' samples), 'ids:forget.txt' (training-sample ids, one per line).
 */
export function parseForgetRequest(spec: string): ForgetRequest {
  const [kind, ...rest] = spec.split(':');
  const fractionOf = (v: string | undefined): number => {
    const f = Number(v);
    if (v == null || v.trim() === '' || !(f > 0 && f < 1)) throw new Error(`--forget ${spec}: the fraction must be a number in (0, 1), e.g. 0.1; got '${v ?? ''}'.`);
    return f;
  };
  const classesOf = (v: string | undefined): (number | string)[] => {
    const list = (v ?? '').split('+').map((c) => c.trim()).filter(Boolean);
    if (list.length === 0) throw new Error(`--forget ${spec}: name at least one class, e.g. class:0 or class:0+3.`);
    return list.map((c) => (/^\d+$/.test(c) ? Number(c) : c));
  };
  if (kind === 'uniform' && rest.length === 1) return { kind: 'uniform', fraction: fractionOf(rest[0]) };
  if (kind === 'class' && rest.length === 1) return { kind: 'class', classes: classesOf(rest[0]) };
  if (kind === 'partial' && rest.length === 2) return { kind: 'partial', fraction: fractionOf(rest[0]), classes: classesOf(rest[1]) };
  if (kind === 'ids' && rest.length >= 1 && rest.join(':') !== '') return { kind: 'ids', file: rest.join(':') };
  throw new Error(`--forget ${spec}: not a forget request. Use ${FORGET_FORMS}.`);
}

/** The ids of an ids file (one integer per line; blank lines and # comments skipped), checked against the training set. */
export function readForgetIds(file: string, train: Pick<Dataset, 'ids' | 'name' | 'split'>): Int32Array {
  if (!fs.existsSync(file)) throw new Error(`--forget ids:${file}: the file does not exist. Write one training-sample id per line.`);
  const known = new Set(train.ids);
  const ids: number[] = [];
  fs.readFileSync(file, 'utf8').split(/\r?\n/).forEach((line, i) => {
    const t = line.replace(/#.*/, '').trim();
    if (t === '') return;
    if (!/^\d+$/.test(t)) throw new Error(`--forget ids:${file}, line ${i + 1}: '${t}' is not a sample id (a non-negative integer).`);
    const id = Number(t);
    // Checked here too, to name the line.
    if (!known.has(id)) throw new Error(`--forget ids:${file}, line ${i + 1}: id ${id} is not in the training set ${train.name}/${train.split} this preset uses (${train.ids.length} samples).`);
    ids.push(id);
  });
  return checkForgetIds(ids, train, `--forget ids:${file}`);
}

/** A forget set's ids checked against the training set (known, each once, not empty, not everything), sorted. */
export function checkForgetIds(ids: readonly number[], train: Pick<Dataset, 'ids' | 'name' | 'split'>, what: string): Int32Array {
  const known = new Set(train.ids);
  const unknown = ids.find((id) => !known.has(id));
  if (unknown !== undefined) throw new Error(`${what}: id ${unknown} is not in the training set ${train.name}/${train.split} this preset uses (${train.ids.length} samples).`);
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length) throw new Error(`${what}: some ids appear more than once; list each once.`);
  if (unique.length === 0) throw new Error(`${what}: no ids; a forget set needs at least one sample.`);
  if (unique.length === train.ids.length) throw new Error(`${what}: it lists every training sample, so nothing would be retained.`);
  return Int32Array.from(unique).sort();
}

export function describeForget(f: ForgetRequest): string {
  if (f.kind === 'uniform') return `uniform ${Math.round(f.fraction * 100)}%`;
  if (f.kind === 'class') return `class ${f.classes.join('+')}`;
  if (f.kind === 'partial') return `${Math.round(f.fraction * 100)}% of classes ${f.classes.join('+')}`;
  if (f.kind === 'ids') return `ids of ${path.basename(f.file)}`;
  if (f.kind === 'selected') return f.rule;
  return `${f.n} instances`;
}

/** Everything an unlearning experiment needs, as id-traceable datasets. */
export interface Scenario {
  engine: EngineInfo;
  seed: number;
  request: ForgetRequest;
  /** The (possibly capped) training set the original model saw (= forget + retain). */
  train: Dataset;
  forget: Dataset;
  retain: Dataset;
  /** SULI's 1 % per-class reference set (instance-wise requests only; held out of the forget draw). */
  reference?: Dataset;
  /** Class-matched test pool (A-AMU's T-samples) and the evaluation split (reported test accuracy, MIA). */
  testPool: Dataset;
  testEval: Dataset;
  original: Classifier;
  /** Test accuracy (fraction) of the original model on the evaluation split, and where it came from. */
  originalTestAccuracy: number;
  originalSource: 'trained' | 'cache';
  originalSeconds: number;
}

export interface ScenarioOptions {
  data: ExperimentData;
  recipe: TrainRecipe;
  request: ForgetRequest;
  seed: number;
  /** Directory for cached original models (default: $UNLEARN_CACHE or ~/.cache/unlearn-lab/models). */
  cacheDir?: string;
  dataDir?: string;
  onProgress?: ProgressSink;
  /** Where notices go (a corrupt cache entry set aside); default console.warn. */
  log?: (line: string) => void;
}

/** $UNLEARN_CACHE/models, else ~/.cache/unlearn-lab/models; an empty UNLEARN_CACHE is an error (it would mean the working directory). */
export function modelCacheDir(): string {
  const home = pathSetting(process.env.UNLEARN_CACHE, 'UNLEARN_CACHE') ?? path.join(os.homedir(), '.cache', 'unlearn-lab');
  return path.join(home, 'models');
}

/** The folders whose code determines a trained model's weights (relative to lib/ or dist/). */
const TRAINING_CODE = ['data', 'engine', 'models', 'train'];
let codeVersionMemo: string | null = null;

/**
 * The version of the code that trains an original model: the package version and a hash of the
 * sources under lib/{data,engine,models,train} (the .ts files in the repository, the .js files in a
 * built package), so an edit to the training code invalidates the cache and an edit elsewhere does not.
 */
export function trainingCodeVersion(): string {
  if (codeVersionMemo != null) return codeVersionMemo;
  const version = packageVersion();
  codeVersionMemo = `${version}+${codeHash(path.resolve(__dirname, '..', '..'), TRAINING_CODE, version)}`;
  return codeVersionMemo;
}

/** A sha256 of exactly what a model is trained on: ids, labels, pixels, shape and class names. */
export function dataFingerprint(ds: Dataset): string {
  const bytes = (a: Int32Array | Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return createHash('sha256')
    .update(JSON.stringify({ name: ds.name, split: ds.split, shape: ds.shape, classNames: ds.classNames }))
    .update(bytes(ds.ids))
    .update(bytes(ds.labels))
    .update(bytes(ds.images))
    .digest('hex');
}

/** At most `perClass` images per class of `ds` (a subset seeded per split), or `ds` itself when undefined. */
export function capped(ds: Dataset, perClass: number | undefined, seed: number): Dataset {
  if (perClass == null) return ds;
  return subsetByIds(ds, capPerClass(ds, { perClass, seed: new Rng(seed).fork(`cap-${ds.split}`) }));
}

/**
 * What determines the original model's weights, and so its cache key: the exact training data (a
 * fingerprint of ids, labels and pixels: relabelled or different files give another key), the
 * training recipe, the seed, the training code's version and the compute backend.
 */
export function originalKeyParts(train: Dataset, recipe: TrainRecipe, seed: number, backend: string): Record<string, unknown> {
  return { data: dataFingerprint(train), recipe, seed, code: trainingCodeVersion(), backend, v: 2 };
}

function originalKey(parts: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/**
 * The cached model in `file`, or null when there is none. An unreadable entry (corrupt, truncated,
 * another format) is set aside as `<file>.corrupt-<time>` with a notice, and null is returned so
 * that the model is trained again and cached afresh.
 */
function loadCached(file: string, log: (line: string) => void): Classifier | null {
  if (!fs.existsSync(file)) return null;
  try {
    return loadCheckpoint(file);
  } catch (e) {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(file, aside);
    log(`The cached original model ${file} is unreadable (${(e as Error).message}); set it aside as ${aside} and training it again.`);
    return null;
  }
}

/** Trains the original model on `train` with the recipe, or loads it from the cache when present. */
async function originalModel(o: ScenarioOptions, train: Dataset, backend: string): Promise<{ model: Classifier; source: 'trained' | 'cache'; seconds: number }> {
  const dir = o.cacheDir ?? modelCacheDir();
  const parts = originalKeyParts(train, o.recipe, o.seed, backend);
  const file = path.join(dir, `${o.data.dataset}-${o.recipe.model}-${originalKey(parts)}.ckpt`);
  const t0 = performance.now();
  const cached = loadCached(file, o.log ?? ((line) => console.warn(line)));
  if (cached) return { model: cached, source: 'cache', seconds: (performance.now() - t0) / 1000 };
  const r = o.recipe;
  const model = createModel(r.model, { inputShape: train.shape, numClasses: train.classNames.length, seed: o.seed, options: r.modelOptions });
  await fit(model, train, {
    epochs: r.epochs,
    batchSize: r.batchSize,
    lr: r.lr,
    optimizer: r.optimizer,
    schedule: r.schedule,
    seed: o.seed,
    onProgress: o.onProgress,
    task: `original ${r.model} on ${o.data.dataset}`,
  });
  fs.mkdirSync(dir, { recursive: true });
  await saveCheckpoint(model, file, { dataset: o.data.dataset, trainPerClass: o.data.trainPerClass ?? null, ...parts });
  return { model, source: 'trained', seconds: (performance.now() - t0) / 1000 };
}

/**
 * Loads the data, draws the seeded test-pool split and forget request, and gets the original model
 * (trained once per data/recipe/seed and cached as a checkpoint).
 */
export async function prepareScenario(o: ScenarioOptions): Promise<Scenario> {
  const engine = await init({ log: false });
  const dirOpt = o.dataDir ? { dir: o.dataDir } : {};
  const train = capped(loadDataset(o.data.dataset, 'train', dirOpt), o.data.trainPerClass, o.seed);
  const test = capped(loadDataset(o.data.dataset, 'test', dirOpt), o.data.testPerClass, o.seed);
  const rng = new Rng(o.seed);
  const tp = testPoolSplit(test, { poolFraction: o.data.testPoolFraction, seed: rng.fork('test-pool') });
  let forgetIds: Int32Array;
  let retainIds: Int32Array;
  let reference: Dataset | undefined;
  const req = o.request;
  if (req.kind === 'uniform') {
    ({ forget: forgetIds, retain: retainIds } = uniformSplit(train, { fraction: req.fraction, seed: rng.fork('forget') }));
  } else if (req.kind === 'class') {
    ({ forget: forgetIds, retain: retainIds } = classSplit(train, { classes: req.classes }));
  } else if (req.kind === 'ids' || req.kind === 'selected') {
    forgetIds = req.kind === 'ids' ? readForgetIds(req.file, train) : checkForgetIds(req.ids, train, `forget request '${req.rule}'`);
    const drawn = new Set(forgetIds);
    retainIds = train.ids.filter((id) => !drawn.has(id)).sort();
  } else if (req.kind === 'partial') {
    const inClasses = classSplit(train, { classes: req.classes }).forget;
    const drawn = uniformSplit(train, { fraction: req.fraction, seed: rng.fork('forget'), within: inClasses }).forget;
    const drawnSet = new Set(drawn);
    forgetIds = drawn;
    retainIds = train.ids.filter((id) => !drawnSet.has(id)).sort();
  } else {
    const s = instanceSplit(train, { count: req.n, seed: rng.fork('forget') });
    forgetIds = s.forget;
    retainIds = s.retain;
    reference = subsetByIds(train, s.reference);
  }
  // SULI holds the reference set out of the original model's training: it trains on forget + retain.
  const trainedOn = reference ? subsetByIds(train, [...forgetIds, ...retainIds].sort((a, b) => a - b)) : train;
  const { model, source, seconds } = await originalModel(o, trainedOn, engine.backend);
  const testEval = subsetByIds(test, tp.evaluation);
  return {
    engine,
    seed: o.seed,
    request: req,
    train: trainedOn,
    forget: subsetByIds(train, forgetIds),
    retain: subsetByIds(train, retainIds),
    reference,
    testPool: subsetByIds(test, tp.pool),
    testEval,
    original: model,
    originalTestAccuracy: await accuracy(model, testEval),
    originalSource: source,
    originalSeconds: seconds,
  };
}

/** Frees the scenario's original model. */
export function disposeScenario(s: Scenario): void {
  s.original.dispose();
}

export function scenarioSizes(s: Scenario): Record<string, number> {
  return {
    train: size(s.train),
    forget: size(s.forget),
    retain: size(s.retain),
    testPool: size(s.testPool),
    testEval: size(s.testEval),
    ...(s.reference ? { reference: size(s.reference) } : {}),
  };
}

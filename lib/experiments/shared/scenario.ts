import * as fs from 'node:fs';
import * as path from 'node:path';
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

/** A forget request: DC_Unlearning's 10 % uniform, one whole class, or SULI's n random instances. */
export type ForgetRequest =
  | { kind: 'uniform'; fraction: number }
  | { kind: 'class'; classes: (number | string)[] }
  | { kind: 'instances'; n: number };

export function describeForget(f: ForgetRequest): string {
  if (f.kind === 'uniform') return `uniform ${Math.round(f.fraction * 100)}%`;
  if (f.kind === 'class') return `class ${f.classes.join('+')}`;
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
}

export function modelCacheDir(): string {
  const home = process.env.UNLEARN_CACHE ?? path.join(process.env.HOME ?? '.', '.cache', 'unlearn-lab');
  return path.join(home, 'models');
}

/** At most `perClass` images per class of `ds` (a subset seeded per split), or `ds` itself when undefined. */
export function capped(ds: Dataset, perClass: number | undefined, seed: number): Dataset {
  if (perClass == null) return ds;
  return subsetByIds(ds, capPerClass(ds, { perClass, seed: new Rng(seed).fork(`cap-${ds.split}`) }));
}

/** A key that changes whenever anything that determines the original model's weights changes. */
function originalKey(data: ExperimentData, recipe: TrainRecipe, seed: number, heldOut?: Int32Array): string {
  const held = heldOut ? createHash('sha256').update(Buffer.from(heldOut.buffer, heldOut.byteOffset, heldOut.byteLength)).digest('hex') : null;
  const what = JSON.stringify({ dataset: data.dataset, trainPerClass: data.trainPerClass ?? null, recipe, seed, held, v: 1 });
  return createHash('sha256').update(what).digest('hex').slice(0, 16);
}

/** Trains the original model on `train` with the recipe, or loads it from the cache when present. */
async function originalModel(
  o: ScenarioOptions,
  train: Dataset,
  heldOut?: Int32Array,
): Promise<{ model: Classifier; source: 'trained' | 'cache'; seconds: number }> {
  const dir = o.cacheDir ?? modelCacheDir();
  const file = path.join(dir, `${o.data.dataset}-${o.recipe.model}-${originalKey(o.data, o.recipe, o.seed, heldOut)}.ckpt`);
  const t0 = performance.now();
  if (fs.existsSync(file)) return { model: loadCheckpoint(file), source: 'cache', seconds: (performance.now() - t0) / 1000 };
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
  saveCheckpoint(model, file, { dataset: o.data.dataset, trainPerClass: o.data.trainPerClass ?? null, seed: o.seed });
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
  } else {
    const s = instanceSplit(train, { count: req.n, seed: rng.fork('forget') });
    forgetIds = s.forget;
    retainIds = s.retain;
    reference = subsetByIds(train, s.reference);
  }
  // SULI holds the reference set out of the original model's training: it trains on forget + retain.
  const trainedOn = reference ? subsetByIds(train, [...forgetIds, ...retainIds].sort((a, b) => a - b)) : train;
  const { model, source, seconds } = await originalModel(o, trainedOn, reference ? reference.ids : undefined);
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
    originalTestAccuracy: accuracy(model, testEval),
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

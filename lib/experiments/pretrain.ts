import { init, type EngineInfo } from '../engine/init';
import { Rng } from '../engine/rng';
import { subsetByIndex, size, type Dataset } from '../data/dataset';
import { loadFashionMnist } from '../data/loaders/fashion-mnist';
import type { Classifier } from '../models/classifier';
import { createModel } from '../models/registry';
import { evaluate } from '../train/evaluate';
import { fit, type FitHistory } from '../train/fit';
import type { OptimizerSpec } from '../train/optimizers';
import type { ProgressSink } from '../train/progress';
import type { ScheduleSpec } from '../train/schedule';

export interface PretrainPreset {
  dataset: 'fashion-mnist';
  /** Use at most this many training / test images (a seeded random subset); undefined = all. */
  trainLimit?: number;
  testLimit?: number;
  model: string;
  modelOptions: Record<string, unknown>;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
}

/**
 * Pretraining recipes. cpu: a width-32 ConvNet on all of Fashion-MNIST, chosen to reach >= 90% test
 * accuracy in a few minutes on 2 cores; the papers' own recipes need a GPU (gpu-paper, CIFAR-10).
 */
export const PRETRAIN_PRESETS: Record<'smoke' | 'cpu', PretrainPreset> = {
  smoke: {
    dataset: 'fashion-mnist',
    trainLimit: 2000,
    testLimit: 1000,
    model: 'convnet',
    modelOptions: { width: 16 },
    epochs: 2,
    batchSize: 64,
    lr: 0.05,
    optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4 },
    schedule: { kind: 'cosine' },
  },
  cpu: {
    dataset: 'fashion-mnist',
    model: 'convnet',
    modelOptions: { width: 32 },
    epochs: 4,
    batchSize: 128,
    lr: 0.05,
    optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4 },
    schedule: { kind: 'cosine' },
  },
};

export interface PretrainResult {
  engine: EngineInfo;
  preset: string;
  model: Classifier;
  train: Dataset;
  test: Dataset;
  history: FitHistory;
  testAccuracy: number;
  trainImagesPerSecond: number;
}

function limit(ds: Dataset, n: number | undefined, rng: Rng): Dataset {
  if (n == null || n >= size(ds)) return ds;
  return subsetByIndex(ds, rng.permutation(size(ds)).subarray(0, n));
}

/** Trains a model from scratch with a preset and reports test accuracy and throughput. */
export async function pretrain(opts: {
  preset: keyof typeof PRETRAIN_PRESETS;
  seed?: number;
  dataDir?: string;
  onProgress?: ProgressSink;
}): Promise<PretrainResult> {
  const p = PRETRAIN_PRESETS[opts.preset];
  if (p == null) throw new Error(`Unknown pretrain preset '${opts.preset}'. Choose one of: ${Object.keys(PRETRAIN_PRESETS).join(', ')}.`);
  const engine = await init();
  const seed = opts.seed ?? 0;
  const rng = new Rng(seed);
  const train = limit(loadFashionMnist('train', opts.dataDir), p.trainLimit, rng.fork('train-subset'));
  const test = limit(loadFashionMnist('test', opts.dataDir), p.testLimit, rng.fork('test-subset'));
  const model = createModel(p.model, { inputShape: train.shape, numClasses: train.classNames.length, seed, options: p.modelOptions });
  const history = await fit(model, train, {
    epochs: p.epochs,
    batchSize: p.batchSize,
    lr: p.lr,
    optimizer: p.optimizer,
    schedule: p.schedule,
    seed,
    onProgress: opts.onProgress,
    task: `pretrain ${p.model} on ${p.dataset}`,
  });
  const testAccuracy = evaluate(model, test).accuracy;
  const trainImages = history.epochs.length * size(train);
  const trainSeconds = history.epochs.reduce((s, e) => s + e.seconds, 0);
  return {
    engine,
    preset: opts.preset,
    model,
    train,
    test,
    history,
    testAccuracy,
    trainImagesPerSecond: trainImages / trainSeconds,
  };
}

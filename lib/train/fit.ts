import { Rng } from '../engine/rng';
import { batchTensors, epochBatches } from '../data/batches';
import { size, type Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import { auxiliaryLossesOf, withAuxiliaryLosses } from './auxiliary-loss';
import { accuracy } from './evaluate';
import { trainLoop } from './loop';
import { crossEntropy } from './losses';
import { createOptimizer, type OptimizerSpec } from './optimizers';
import type { ProgressSink } from './progress';
import { LrSchedule, type ScheduleSpec } from './schedule';
import type { LossFn } from './step';

export interface FitOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Default: SGD with momentum 0.9. */
  optimizer?: OptimizerSpec;
  schedule?: ScheduleSpec;
  /** Seed of the minibatch shuffling (default 0). */
  seed?: number | string;
  /** Training loss on (logits, labels); default batch-mean cross-entropy. The model's auxiliary terms (lib/train/auxiliary-loss.ts) are added to it. */
  loss?: LossFn;
  /** Evaluated after every epoch when given (accuracy in the history). */
  validation?: Dataset;
  onProgress?: ProgressSink;
  onEpochEnd?: (r: EpochRecord) => void | Promise<void>;
  /** Name shown in progress output. */
  task?: string;
}

export interface EpochRecord {
  epoch: number;
  lr: number;
  loss: number;
  seconds: number;
  imagesPerSecond: number;
  validationAccuracy?: number;
}

export interface FitHistory {
  epochs: EpochRecord[];
  seconds: number;
}

function checkFitOptions(ds: Dataset, o: FitOptions): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 0) throw new Error(`fit: epochs must be an integer >= 0, got ${o.epochs}.`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`fit: batchSize must be a positive integer, got ${o.batchSize}.`);
  if (size(ds) === 0) throw new Error(`fit: the training set ${ds.name}/${ds.split} is empty.`);
  if (o.validation != null && size(o.validation) === 0) {
    throw new Error('fit: the validation set is empty; pass at least one sample or leave validation out.');
  }
  if (o.schedule?.kind === 'plateau' && o.schedule.monitor === 'validation-accuracy' && o.validation == null) {
    throw new Error("fit: the plateau schedule monitors 'validation-accuracy' but no validation set was given; pass validation or monitor 'train-loss'.");
  }
}

/**
 * Trains a model in place with minibatch gradient descent (shuffled each epoch, seeded) and returns
 * the per-epoch history. Throws if the loss becomes NaN or infinite.
 */
export async function fit(model: Classifier, ds: Dataset, o: FitOptions): Promise<FitHistory> {
  checkFitOptions(ds, o);
  const rng = new Rng(o.seed ?? 0).fork('fit-shuffle');
  const schedule = new LrSchedule(o.lr, o.epochs, o.schedule);
  const lossFn = o.loss ?? crossEntropy;
  // Terms the model adds to its own loss (e.g. an autoencoder's reconstruction error); none for plain classifiers.
  const auxiliary = auxiliaryLossesOf(model);
  const n = size(ds);
  const monitorsAccuracy = o.schedule?.kind === 'plateau' && o.schedule.monitor === 'validation-accuracy';
  const history: EpochRecord[] = [];
  const t0 = performance.now();
  await trainLoop({
    task: o.task ?? `train ${model.name}`,
    params: model.parameters(),
    epochs: o.epochs,
    optimizer: () => createOptimizer(o.optimizer ?? { kind: 'sgd', momentum: 0.9 }),
    lr: (epoch) => schedule.lr(epoch),
    passes: () => [
      {
        name: 'training',
        steps: epochBatches(n, o.batchSize, rng).map((b) => ({
          weight: b.length,
          build: () => {
            const { x, y } = batchTensors(ds, b);
            return () => withAuxiliaryLosses(lossFn(model.forward(x, true), y), auxiliary, x, ds);
          },
        })),
      },
    ],
    readLoss: 'epoch',
    afterEpoch: async (e) => {
      const record: EpochRecord = { epoch: e.epoch + 1, lr: e.lr, loss: e.loss, seconds: e.seconds, imagesPerSecond: n / e.seconds };
      if (o.validation) record.validationAccuracy = await accuracy(model, o.validation);
      schedule.observe(monitorsAccuracy ? record.validationAccuracy! : e.loss);
      history.push(record);
      await o.onEpochEnd?.(record);
      return { info: record.validationAccuracy != null ? { 'val acc': record.validationAccuracy } : undefined };
    },
    totalSteps: o.epochs * Math.ceil(n / o.batchSize),
    onProgress: o.onProgress,
  });
  return { epochs: history, seconds: (performance.now() - t0) / 1000 };
}

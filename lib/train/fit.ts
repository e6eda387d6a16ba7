import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/rng';
import { batchTensors, epochBatches } from '../data/batches';
import { size, type Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import { evaluate } from './evaluate';
import { createOptimizer, type OptimizerSpec } from './optimizers';
import { ProgressTracker, type ProgressSink } from './progress';
import { LrSchedule, type ScheduleSpec } from './schedule';
import { trainStep, type LossFn } from './step';

export interface FitOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Default: SGD with momentum 0.9. */
  optimizer?: OptimizerSpec;
  schedule?: ScheduleSpec;
  /** Seed of the minibatch shuffling (default 0). */
  seed?: number | string;
  /** Training loss on (logits, labels); default batch-mean cross-entropy. */
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
  const optimizer = createOptimizer(o.optimizer ?? { kind: 'sgd', momentum: 0.9 });
  const schedule = new LrSchedule(o.lr, o.epochs, o.schedule);
  const lossFn = o.loss;
  const n = size(ds);
  const batchesPerEpoch = Math.ceil(n / o.batchSize);
  const tracker = new ProgressTracker(o.task ?? `train ${model.name}`, o.epochs * batchesPerEpoch, o.onProgress);
  const history: EpochRecord[] = [];
  const t0 = performance.now();
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const lr = schedule.lr(epoch);
      const te = performance.now();
      // The epoch's loss is summed on the device and read only for progress output and at the end.
      let lossSum = tf.keep(tf.scalar(0));
      const batches = epochBatches(n, o.batchSize, rng);
      for (let b = 0; b < batches.length; b++) {
        const newSum = tf.tidy(() => {
          const { x, y } = batchTensors(ds, batches[b]);
          const value = trainStep(model, optimizer, x, y, lr, lossFn);
          return tf.add(lossSum, tf.mul(value, batches[b].length));
        });
        lossSum.dispose();
        lossSum = tf.keep(newSum as tf.Scalar);
        const done = epoch * batchesPerEpoch + b + 1;
        if (tracker.due(done)) {
          const seen = batches.slice(0, b + 1).reduce((s, x) => s + x.length, 0);
          tracker.update(done, { epoch: epoch + 1, epochs: o.epochs, loss: lossSum.dataSync()[0] / seen });
        }
      }
      const loss = lossSum.dataSync()[0] / n;
      lossSum.dispose();
      if (!Number.isFinite(loss)) {
        throw new Error(`fit: the training loss became ${loss} in epoch ${epoch + 1} (lr ${lr}). Lower the learning rate or check the data for NaN.`);
      }
      const seconds = (performance.now() - te) / 1000;
      const record: EpochRecord = { epoch: epoch + 1, lr, loss, seconds, imagesPerSecond: n / seconds };
      if (o.validation) record.validationAccuracy = evaluate(model, o.validation).accuracy;
      const monitorsAccuracy = o.schedule?.kind === 'plateau' && o.schedule.monitor === 'validation-accuracy';
      schedule.observe(monitorsAccuracy ? record.validationAccuracy! : loss);
      history.push(record);
      tracker.update((epoch + 1) * batchesPerEpoch, {
        epoch: epoch + 1,
        epochs: o.epochs,
        loss,
        info: record.validationAccuracy != null ? { 'val acc': record.validationAccuracy } : undefined,
      }, true);
      await o.onEpochEnd?.(record);
    }
  } finally {
    optimizer.dispose();
  }
  return { epochs: history, seconds: (performance.now() - t0) / 1000 };
}

/**
 * unlearn-lab: machine-unlearning research helpers for image classifiers.
 * One tfjs instance is shared by the library and its users: import `tf` from here.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export * from './engine';
export * from './data';
export * from './models';
export { fit, type FitOptions, type FitHistory, type EpochRecord } from './train/fit';
export { evaluate, predict, accuracy, accuracyOf, type Evaluation, type Predictions } from './train/evaluate';
export { crossEntropy, perSampleCrossEntropy } from './train/losses';
export { trainStep } from './train/step';
export { createOptimizer, Sgd, Adam, type OptimizerSpec } from './train/optimizers';
export { LrSchedule, type ScheduleSpec } from './train/schedule';
export { terminalProgress, describeProgress, ProgressTracker, type ProgressEvent, type ProgressSink } from './train/progress';
export * from './experiments';
export * from './unlearn';
export * from './metrics';
export * from './audit';
export * from './condense';
export * from './plot';
export * from './report';
export * from './results';
export * from './bench';
export * from './privacy';
export { cachedRun, runCacheDir, resultsMarker, staleNotebookOutputs, type CachedRun, type CachedRunOptions } from './sweep/run-cache';

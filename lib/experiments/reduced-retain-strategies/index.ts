import type { Experiment } from '../shared/experiment';
import { runReducedRetainStrategies, type ReducedRetainResult } from './run';
import { REDUCED_RETAIN_STRATEGIES } from './settings';
import { reducedRetainOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const reducedRetainStrategies: Experiment<ReducedRetainResult> = {
  ...REDUCED_RETAIN_STRATEGIES,
  run: runReducedRetainStrategies,
  output: reducedRetainOutput,
};

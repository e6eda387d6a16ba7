import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { runReducedRetainStrategies, type ReducedRetainResult } from './run';
import { REDUCED_RETAIN_PRESETS, REDUCED_RETAIN_STRATEGIES } from './settings';
import { reducedRetainOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const reducedRetainStrategies: Experiment<ReducedRetainResult> = {
  ...REDUCED_RETAIN_STRATEGIES,
  settings: (preset) => presetOf(REDUCED_RETAIN_PRESETS, preset),
  run: runReducedRetainStrategies,
  output: reducedRetainOutput,
};

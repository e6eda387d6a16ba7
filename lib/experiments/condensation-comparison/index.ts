import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { runCondensationComparison, type CondensationComparisonResult } from './run';
import { CONDENSATION_COMPARISON, CONDENSATION_PRESETS } from './settings';
import { condensationComparisonOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const condensationComparison: Experiment<CondensationComparisonResult> = {
  ...CONDENSATION_COMPARISON,
  settings: (preset) => presetOf(CONDENSATION_PRESETS, preset),
  run: runCondensationComparison,
  output: condensationComparisonOutput,
};

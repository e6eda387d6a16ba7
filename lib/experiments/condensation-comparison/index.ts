import type { Experiment } from '../shared/experiment';
import { runCondensationComparison, type CondensationComparisonResult } from './run';
import { CONDENSATION_COMPARISON } from './settings';
import { condensationComparisonOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const condensationComparison: Experiment<CondensationComparisonResult> = {
  ...CONDENSATION_COMPARISON,
  run: runCondensationComparison,
  output: condensationComparisonOutput,
};

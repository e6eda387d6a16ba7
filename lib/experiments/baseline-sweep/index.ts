import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { runBaselineSweep, type BaselineSweepResult } from './run';
import { BASELINE_SWEEP, BASELINE_SWEEP_PRESETS } from './settings';
import { baselineSweepOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const baselineSweep: Experiment<BaselineSweepResult> = {
  ...BASELINE_SWEEP,
  settings: (preset) => presetOf(BASELINE_SWEEP_PRESETS, preset),
  run: runBaselineSweep,
  output: baselineSweepOutput,
};

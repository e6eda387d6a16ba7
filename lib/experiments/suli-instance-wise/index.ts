import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { SULI_SETTINGS } from '../shared/suli-setting';
import { runSuliInstanceWise, type SuliInstanceWiseResult } from './run';
import { SULI_INSTANCE_WISE } from './settings';
import { suliInstanceWiseOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const suliInstanceWise: Experiment<SuliInstanceWiseResult> = {
  ...SULI_INSTANCE_WISE,
  // Every dataset of the preset (--dataset picks one), with its data, recipe and method configs.
  settings: (preset) => presetOf(SULI_SETTINGS, preset),
  run: runSuliInstanceWise,
  output: suliInstanceWiseOutput,
};

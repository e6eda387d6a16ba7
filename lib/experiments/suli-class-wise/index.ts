import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { SULI_SETTINGS } from '../shared/suli-setting';
import { runSuliClassWise, type SuliClassWiseResult } from './run';
import { SULI_CLASS_WISE } from './settings';
import { suliClassWiseOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const suliClassWise: Experiment<SuliClassWiseResult> = {
  ...SULI_CLASS_WISE,
  // Every dataset of the preset (--dataset picks one), with its data, recipe and method configs.
  settings: (preset) => presetOf(SULI_SETTINGS, preset),
  run: runSuliClassWise,
  output: suliClassWiseOutput,
};

import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { SULI_SETTINGS } from '../shared/suli-setting';
import { runSuliFeatureSpace, type SuliFeatureSpaceResult } from './run';
import { FEATURE_SPACE_SIZES, SULI_FEATURE_SPACE } from './settings';
import { suliFeatureSpaceOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const suliFeatureSpace: Experiment<SuliFeatureSpaceResult> = {
  ...SULI_FEATURE_SPACE,
  // The picture sizes, and every dataset of the SULI setting (--dataset picks one).
  settings: (preset) => ({ sizes: presetOf(FEATURE_SPACE_SIZES, preset), setting: presetOf(SULI_SETTINGS, preset) }),
  run: runSuliFeatureSpace,
  output: suliFeatureSpaceOutput,
};

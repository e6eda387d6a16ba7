import type { Experiment } from '../shared/experiment';
import { runSuliFeatureSpace, type SuliFeatureSpaceResult } from './run';
import { SULI_FEATURE_SPACE } from './settings';
import { suliFeatureSpaceOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const suliFeatureSpace: Experiment<SuliFeatureSpaceResult> = { ...SULI_FEATURE_SPACE, run: runSuliFeatureSpace, output: suliFeatureSpaceOutput };

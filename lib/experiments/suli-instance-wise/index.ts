import type { Experiment } from '../shared/experiment';
import { runSuliInstanceWise, type SuliInstanceWiseResult } from './run';
import { SULI_INSTANCE_WISE } from './settings';
import { suliInstanceWiseOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const suliInstanceWise: Experiment<SuliInstanceWiseResult> = { ...SULI_INSTANCE_WISE, run: runSuliInstanceWise, output: suliInstanceWiseOutput };

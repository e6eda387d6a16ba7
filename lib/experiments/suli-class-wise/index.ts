import type { Experiment } from '../shared/experiment';
import { runSuliClassWise, type SuliClassWiseResult } from './run';
import { SULI_CLASS_WISE } from './settings';
import { suliClassWiseOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const suliClassWise: Experiment<SuliClassWiseResult> = { ...SULI_CLASS_WISE, run: runSuliClassWise, output: suliClassWiseOutput };

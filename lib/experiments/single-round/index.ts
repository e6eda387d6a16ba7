import type { Experiment } from '../shared/experiment';
import { runSingleRound, type SingleRoundResult } from './run';
import { SINGLE_ROUND } from './settings';
import { singleRoundOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const singleRound: Experiment<SingleRoundResult> = { ...SINGLE_ROUND, run: runSingleRound, output: singleRoundOutput };

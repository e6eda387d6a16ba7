import type { Experiment } from '../shared/experiment';
import { runMultiRound, type MultiRoundResult } from './run';
import { MULTI_ROUND } from './settings';
import { multiRoundOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const multiRound: Experiment<MultiRoundResult> = { ...MULTI_ROUND, run: runMultiRound, output: multiRoundOutput };

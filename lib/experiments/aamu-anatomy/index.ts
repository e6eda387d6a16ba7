import type { Experiment } from '../shared/experiment';
import { runAamuAnatomy, type AamuAnatomyResult } from './run';
import { AAMU_ANATOMY } from './settings';
import { aamuAnatomyOutput } from './views';

export * from './settings';
export * from './regulariser-anatomy';
export * from './run';
export * from './views';

export const aamuAnatomy: Experiment<AamuAnatomyResult> = { ...AAMU_ANATOMY, run: runAamuAnatomy, output: aamuAnatomyOutput };

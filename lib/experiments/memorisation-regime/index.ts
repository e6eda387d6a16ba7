import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { runMemorisationRegime, type MemorisationRegimeResult } from './run';
import { MEMORISATION_REGIME, MEMORISATION_REGIME_PRESETS } from './settings';
import { memorisationRegimeOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';
export { PROGRESS_FILE, ProgressStore, parseProgress } from './progress';

export const memorisationRegime: Experiment<MemorisationRegimeResult> = {
  ...MEMORISATION_REGIME,
  settings: (preset) => presetOf(MEMORISATION_REGIME_PRESETS, preset),
  run: runMemorisationRegime,
  output: memorisationRegimeOutput,
};

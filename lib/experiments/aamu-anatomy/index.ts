import type { Experiment } from '../shared/experiment';
import { resolvedMethodConfigs } from '../shared/method-configs';
import { presetOf } from '../shared/presets';
import { runAamuAnatomy, type AamuAnatomyResult } from './run';
import { AAMU_ANATOMY, AAMU_ANATOMY_PRESETS } from './settings';
import { aamuAnatomyOutput } from './views';

export * from './settings';
export * from './regulariser-anatomy';
export * from './run';
export * from './time-to-retrain';
export * from './views';

export const aamuAnatomy: Experiment<AamuAnatomyResult> = {
  ...AAMU_ANATOMY,
  settings: (preset) => {
    const p = presetOf(AAMU_ANATOMY_PRESETS, preset);
    return { ...p, methodConfigs: resolvedMethodConfigs(p.setting.methodPreset, ['full']) };
  },
  run: runAamuAnatomy,
  output: aamuAnatomyOutput,
};

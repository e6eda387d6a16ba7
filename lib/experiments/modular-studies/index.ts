import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { runModularStudies, studiesMethodConfigs, type ModularStudiesResult } from './run';
import { MODULAR_STUDIES, MODULAR_STUDIES_PRESETS } from './settings';
import { modularStudiesOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const modularStudies: Experiment<ModularStudiesResult> = {
  ...MODULAR_STUDIES,
  settings: (preset) => {
    const p = presetOf(MODULAR_STUDIES_PRESETS, preset);
    return { ...p, methodConfigs: studiesMethodConfigs(p) };
  },
  run: runModularStudies,
  output: modularStudiesOutput,
};

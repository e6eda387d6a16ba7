import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { presetConfig } from '../../unlearn';
import { runCondensedModelUnlearning, type CondensedModelResult } from './run';
import { CONDENSED_MODEL_PRESETS, CONDENSED_MODEL_UNLEARNING } from './settings';
import { condensedModelOutput } from './views';

export * from './settings';
export * from './condensed-model';
export * from './run';
export * from './views';

export const condensedModelUnlearning: Experiment<CondensedModelResult> = {
  ...CONDENSED_MODEL_UNLEARNING,
  settings: (preset) => {
    const p = presetOf(CONDENSED_MODEL_PRESETS, preset);
    return { ...p, retrainConfig: presetConfig(p.retrain.methodPreset, 'retrain') };
  },
  run: runCondensedModelUnlearning,
  output: condensedModelOutput,
};

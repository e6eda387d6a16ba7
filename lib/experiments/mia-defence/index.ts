import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { presetConfig } from '../../unlearn';
import { runMiaDefence, type MiaDefenceResult } from './run';
import { MIA_DEFENCE, MIA_DEFENCE_PRESETS } from './settings';
import { miaDefenceOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const miaDefence: Experiment<MiaDefenceResult> = {
  ...MIA_DEFENCE,
  settings: (preset) => {
    const p = presetOf(MIA_DEFENCE_PRESETS, preset);
    return { ...p, methodConfigs: { modular: { ...presetConfig(p.methodPreset, 'modular'), ...p.modularOverrides }, retrain: presetConfig(p.methodPreset, 'retrain') } };
  },
  run: runMiaDefence,
  output: miaDefenceOutput,
};

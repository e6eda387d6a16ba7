import type { Experiment } from '../shared/experiment';
import { resolvedMethodConfigs } from '../shared/method-configs';
import { presetOf } from '../shared/presets';
import { runSingleRound, type SingleRoundResult } from './run';
import { SINGLE_ROUND, SINGLE_ROUND_PRESETS } from './settings';
import { singleRoundOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const singleRound: Experiment<SingleRoundResult> = {
  ...SINGLE_ROUND,
  settings: (preset) => {
    const p = presetOf(SINGLE_ROUND_PRESETS, preset);
    return { ...p, methodConfigs: resolvedMethodConfigs(p.methodPreset, ['full', 'blend']) };
  },
  run: runSingleRound,
  output: singleRoundOutput,
};

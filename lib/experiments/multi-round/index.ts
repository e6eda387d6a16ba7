import type { Experiment } from '../shared/experiment';
import { resolvedMethodConfigs } from '../shared/method-configs';
import { presetOf } from '../shared/presets';
import { runMultiRound, type MultiRoundResult } from './run';
import { MULTI_ROUND, MULTI_ROUND_PRESETS } from './settings';
import { multiRoundOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const multiRound: Experiment<MultiRoundResult> = {
  ...MULTI_ROUND,
  settings: (preset) => {
    const p = presetOf(MULTI_ROUND_PRESETS, preset);
    return { ...p, methodConfigs: resolvedMethodConfigs(p.setting.methodPreset, ['full', 'blend']) };
  },
  run: runMultiRound,
  output: multiRoundOutput,
};

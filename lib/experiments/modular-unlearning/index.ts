import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { presetConfig } from '../../unlearn';
import { runModularUnlearning, type ModularResult } from './run';
import { MODULAR_PRESETS, MODULAR_UNLEARNING, modularMethodPreset } from './settings';
import { modularOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const modularUnlearning: Experiment<ModularResult> = {
  ...MODULAR_UNLEARNING,
  settings: (preset) => {
    const p = presetOf(MODULAR_PRESETS, preset);
    const methodConfigs = Object.fromEntries(
      p.models.flatMap((m) => p.requests.map((q) => {
        const name = modularMethodPreset(m.model, q);
        return [name, Object.fromEntries(p.methods.map((method) => [method, presetConfig(name, method)]))];
      })),
    );
    return { ...p, methodConfigs };
  },
  run: runModularUnlearning,
  output: modularOutput,
};

import { unlearnerNames } from '../../unlearn';
import { methodConfig } from './presets';

/**
 * The config every registered method runs with under an unlearning preset, per retain set (what
 * methodConfig resolves), for an experiment's settings (Experiment.settings): so --methods picks no
 * config the preset hash does not cover. Methods the preset does not list (they keep their own
 * defaults) are left out.
 */
export function resolvedMethodConfigs(methodPreset: string, retainSets: readonly ('full' | 'blend')[]): Record<string, Record<string, Record<string, unknown>>> {
  return Object.fromEntries(
    retainSets.map((set) => [
      set,
      Object.fromEntries(
        unlearnerNames()
          .map((m): [string, Record<string, unknown>] => [m, methodConfig(methodPreset, m, set)])
          .filter(([, c]) => Object.keys(c).length > 0),
      ),
    ]),
  );
}

import { describe, expect, it } from 'vitest';
import { resolveConfig, type Checks } from '../../../lib/unlearn/common/config';
import { BLEND_PAPER_UNLEARNERS } from '../../../lib/unlearn/methods/blend-paper';
import { UNLEARN_PRESETS, presetConfig, unlearnPresetNames } from '../../../lib/unlearn/presets';

describe('unlearning presets', () => {
  it('give every method of the paper a valid config in every preset', () => {
    for (const name of unlearnPresetNames()) {
      for (const u of BLEND_PAPER_UNLEARNERS) {
        const checks = (u as unknown as { checks: Checks<object> }).checks;
        const c = resolveConfig(u.name, u.defaults, presetConfig(name, u.name), checks) as Record<string, unknown>;
        expect(c.epochs, `${name} ${u.name}`).toBeGreaterThan(0);
      }
    }
  });

  it('hold the reference values of spec A7', () => {
    expect(presetConfig('cifar10-resnet18-full', 'scrub')).toEqual({ msteps: 5, lr: 1e-2 });
    expect(presetConfig('svhn-resnet50-blend', 'cf')).toEqual({ lr: 0.12, warmupEpochs: 3 });
    expect(presetConfig('cinic10-resnet18-full', 'a-cf')).toEqual({ lr: 1e-4 });
    expect(presetConfig('cifar10-resnet18-blend', 'bad-teacher').retainFraction).toBe(1);
    expect(UNLEARN_PRESETS.cpu.dataset).toBe('fashion-mnist');
  });

  it('reject unknown presets and methods clearly', () => {
    expect(() => presetConfig('gpu', 'cf')).toThrow(/Unknown unlearning preset 'gpu'. Choose one of: cifar10-resnet18-full/);
    expect(() => presetConfig('cpu', 'fisher')).toThrow(/Preset 'cpu' has no settings for method 'fisher'/);
  });
});

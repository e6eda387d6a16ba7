import { describe, expect, it } from 'vitest';
import { getUnlearner, UNLEARN_PRESETS, presetConfig, smokeCut, unlearnPresetNames } from '../../../lib/unlearn';

const BLEND_PAPER = ['retrain', 'cf', 'distillation', 'bad-teacher', 'l1-sparse', 'pruning', 'synflow', 'scrub', 'a-cf', 'a-l1', 'a-scrub'];

describe('unlearning presets', () => {
  it('give every method of the Blend paper a valid config in every Blend-paper preset', () => {
    const blendPresets = unlearnPresetNames().filter((n) => n !== 'cpu-suli' && !n.startsWith('modular-'));
    expect(blendPresets.length).toBe(12);
    for (const name of blendPresets) {
      for (const method of BLEND_PAPER) {
        const c = getUnlearner(method).resolveConfig(presetConfig(name, method));
        expect(c.epochs, `${name} ${method}`).toBeGreaterThan(0);
      }
    }
  });

  it('give every method a preset lists a config its checks accept', () => {
    for (const name of unlearnPresetNames()) {
      for (const [method, config] of Object.entries(UNLEARN_PRESETS[name].methods)) {
        expect(() => getUnlearner(method).resolveConfig(config), `${name} ${method}`).not.toThrow();
      }
    }
    expect(Object.keys(UNLEARN_PRESETS['cpu-suli'].methods)).toEqual(['retrain', 'neggrad', 'random-label', 'initial-label', 'boundary-shrink', 'adv-imp', 'su', 'suli']);
    expect(presetConfig('cpu-suli', 'suli')).toEqual({ lr: 1e-3 });
  });

  it("cut to a smoke run, every preset's config still resolves (one epoch; pruneEvery, msteps cut with it)", () => {
    for (const name of unlearnPresetNames()) {
      for (const [method, config] of Object.entries(UNLEARN_PRESETS[name].methods)) {
        const cut = smokeCut(method, config);
        expect(() => getUnlearner(method).resolveConfig(cut), `${name} ${method}`).not.toThrow();
        if ('epochs' in config) expect(cut.epochs, `${name} ${method}`).toBeLessThanOrEqual(2);
      }
    }
    expect(smokeCut('pruning', presetConfig('cpu-full', 'pruning'))).toMatchObject({ epochs: 1, pruneEvery: 1 });
  });

  it('hold the reference values of docs/reference/blend-a-amu.md#a7', () => {
    expect(presetConfig('cifar10-resnet18-full', 'scrub')).toEqual({ msteps: 5, lr: 1e-2 });
    expect(presetConfig('svhn-resnet50-blend', 'cf')).toEqual({ lr: 0.12, warmupEpochs: 3 });
    expect(presetConfig('cinic10-resnet18-full', 'a-cf')).toEqual({ lr: 1e-4 });
    expect(presetConfig('cifar10-resnet18-blend', 'bad-teacher').retainFraction).toBe(1);
    expect(UNLEARN_PRESETS['cpu-full'].dataset).toBe('fashion-mnist');
    expect(UNLEARN_PRESETS['cpu-blend'].methods['bad-teacher'].retainFraction).toBe(1);
  });

  it('hold the 2024 reference\'s values (docs/reference/modular-2024.md#b6-b7), and its class-wise rows never train Final online (S - tau < 0)', () => {
    expect(presetConfig('modular-cnn4', 'modular')).toMatchObject({ lrOverture: 3e-3, lrIntermediate: 3e-3, outerEpochs: 30, finalSteps: 10, finalThreshold: 25 });
    expect(presetConfig('modular-mlp', 'modular')).toMatchObject({ lrOverture: 1e-3, lrIntermediate: 1e-4, finalSteps: 15, finalThreshold: 15 });
    for (const model of ['mlp', 'cnn4', 'resnet18', 'vgg16']) {
      const c = presetConfig(`modular-${model}-class`, 'modular') as { outerEpochs: number; finalThreshold: number };
      expect(c.outerEpochs - c.finalThreshold).toBeLessThan(0);
      expect(presetConfig(`modular-${model}`, 'bad-teacher')).toMatchObject({ retainFraction: 0.3, temperature: 4, klReduction: 'mean', optimizer: 'adam', lr: 1e-3, epochs: 30 });
      expect(presetConfig(`modular-${model}`, 'distillation')).toMatchObject({ studentInit: 'random', softWeight: 0.1, temperature: 4 });
      expect(presetConfig(`modular-${model}`, 'l1-sparse')).toMatchObject({ l1Alpha: 1e-4, noL1Epochs: 15, epochs: 30 });
      // The paper's epochs_main: 30 for random forgetting, 10 for single-class forgetting, for every baseline.
      for (const method of ['retrain', 'cf', 'distillation', 'bad-teacher', 'l1-sparse', 'synflow']) expect(presetConfig(`modular-${model}-class`, method)).toMatchObject({ epochs: 10 });
      expect(presetConfig(`modular-${model}-class`, 'l1-sparse')).toMatchObject({ noL1Epochs: 5 });
    }
  });

  it('reject unknown presets and methods clearly', () => {
    expect(() => presetConfig('gpu', 'cf')).toThrow(/Unknown unlearning preset 'gpu'. Choose one of: cifar10-resnet18-full/);
    expect(() => presetConfig('cpu-full', 'fisher')).toThrow(/Preset 'cpu-full' has no settings for method 'fisher'/);
  });
});

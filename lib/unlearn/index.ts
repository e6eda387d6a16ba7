export * from './contract';
export { getUnlearner, unlearnerNames } from './registry';
export { UNLEARN_PRESETS, presetConfig, unlearnPresetNames, type UnlearnPreset } from './presets';

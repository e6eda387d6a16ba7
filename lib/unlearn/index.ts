// The public API of lib/unlearn: the only import path for code outside this folder.
export type { HealthStatus, InputUse, RunHealth, UnlearnEpoch, UnlearnInputs, UnlearnMode, UnlearnResult, UnlearnTiming, Unlearner } from './contract';
export { CHANCE_MARGIN, GROWTH_FACTOR, HEALTHY, LOSS_BOUND_FACTOR, measuredHealth } from './framework/health';
export type { Check } from './framework/config';
export { getUnlearner, smokeCut, unlearnerNames } from './registry';
export { UNLEARN_PRESETS, presetConfig, unlearnPresetNames, type UnlearnPreset } from './presets';
export { runRounds, type UnlearnRound } from './framework/multi-round';
export { ClassIndex, SubsetSampler } from './shared/samplers';
// A-AMU's per-step sample and penalty, for analyses that must compute what the method computes (aamu-anatomy).
export { acceleratedBaseOf, AMU_DEFAULTS, amuPenalty, drawAmuSample, type AmuConfig } from './methods/a-amu';

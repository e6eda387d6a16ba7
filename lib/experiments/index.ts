// Public API of lib/experiments: the paper experiments (one folder each: settings, run, views) and the
// shared harness, shared by notebooks, the CLI and tests.
export * from './shared/experiment';
export * from './shared/presets';
export * from './shared/scenario';
export * from './shared/measure';
export * from './shared/percent';
export * from './shared/output';
export * from './shared/committed';
export * from './shared/retrain-gap';
export { provenanceOf, gitState, settingsHash, type Provenance, type GitState, type MachineInfo } from './shared/provenance';
export { startRun, checkRunOptions, checkMethods, withUnlearned, cellOrNull, meanOrNaN, type Run } from './shared/harness';
export { PAPER_TABLE1, type PaperCell } from './shared/paper-000-table1';
export * from './shared/suli-paper-numbers';
export {
  SULI_PAPER_METHODS,
  SULI_METHOD_LABELS,
  SULI_SETTINGS,
  suliLabel,
  suliSetting,
  checkSuliMethods,
  suliMethodConfig,
  fullTestSet,
  measureSuli,
  paperCell,
  paperSeconds,
  type SuliPaperDataset,
  type SuliSetting,
  type SuliMeasures,
  type SuliCost,
} from './shared/suli-setting';
export * from './registry';
export * from './run-experiment';
export { pretrain, PRETRAIN_PRESETS, type PretrainResult, type PretrainPreset, type PretrainPresetName } from './pretrain';
export * from './condensation-comparison';
export * from './condensation-benchmark';
export * from './reduced-retain-strategies';
export * from './aamu-anatomy';
export * from './single-round';
export { type MultiRoundOptions as MultiRoundRunOptions } from './multi-round';
export {
  MULTI_ROUND,
  MULTI_ROUND_METHODS,
  MULTI_ROUND_CPU_SETTING,
  MULTI_ROUND_PRESETS,
  PAPER_FIG4,
  runMultiRound,
  multiRoundLabel,
  multiRoundTable,
  multiRoundRuns,
  MULTI_ROUND_METRICS,
  multiRoundFigures,
  multiRoundPaperComparison,
  reductionTable,
  multiRoundOutput,
  multiRound,
  type MultiRoundPreset,
  type MultiRoundRow,
  type MultiRoundOriginalRow,
  type MultiRoundResult,
} from './multi-round';
export * from './suli-class-wise';
export * from './suli-instance-wise';
export * from './suli-feature-space';
export * from './memorisation-regime';
export * from './modular-unlearning';
export * from './modular-studies';
export * from './mia-defence';
export * from './condensed-model-unlearning';

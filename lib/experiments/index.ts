// Public API of lib/experiments: the paper runners shared by notebooks, the CLI and tests.
export * from './experiment';
export * from './scenario';
export * from './measure';
export * from './presets';
export * from './results';
export * from './registry';
export * from './run-experiment';
export * from './single-round';
export { pretrain, PRETRAIN_PRESETS, type PretrainResult, type PretrainPreset } from './pretrain';
export { PAPER_TABLE1, type PaperCell } from './paper-000-table1';
export * from './committed';
export * from './aamu-anatomy';
export * from './condensation-comparison';
export {
  MULTI_ROUND_METHODS,
  MULTI_ROUND_CPU_SETTING,
  MULTI_ROUND_PRESETS,
  PAPER_FIG4,
  runMultiRound,
  multiRoundTable,
  MULTI_ROUND_METRICS,
  multiRoundFigures,
  multiRoundPaperComparison,
  reductionTable,
  multiRound,
  type MultiRoundPreset,
  type MultiRoundRow,
  type MultiRoundResult,
  type MultiRoundOptions as MultiRoundRunOptions,
} from './multi-round';
export * from './reduced-retain-strategies';
export * from './suli-class-wise';
export * from './suli-feature-space';
export * from './suli-instance-wise';
export * from './suli-paper-numbers';
export {
  SULI_PAPER_METHODS,
  SULI_METHOD_LABELS,
  SULI_SETTINGS,
  suliSetting,
  checkSuliMethods,
  suliMethodConfig,
  runSuliMethod,
  fullTestSet,
  measureSuli,
  measureMetrics,
  paperSeconds,
  type SuliPaperDataset,
  type SuliSetting,
  type SuliMeasures,
} from './suli-setting';

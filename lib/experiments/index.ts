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

// Public API of lib/results: the one results vocabulary (mean ± 95% CI, results table, rendering Table).
// A leaf layer: imports nothing from the rest of lib, so any layer may use it.
export { meanCi, formatMeanCi, isMeanCi, overSeeds, type MeanCi } from './mean-ci';
export { ResultsTable, type RunRecord, type ResultRow } from './results-table';
export { validateTable, formatCell, cellValue, cellCi, columnIndex, type Table, type Cell } from './table';

// Public API of lib/report: result tables (plain, DataFrame, CSV/JSON, HTML), HTML reports, notebook helpers.
export { meanCi, formatCell, validateTable, isMeanCi, cellValue, type Table, type Cell, type MeanCi } from './table';
export { toDataFrame, danfojs, type DataFrameOptions } from './dataframe';
export { tableToCsv, writeTableCsv, writeTableJson, writeJson } from './export';
export { tableHtml, tableText, showTable } from './html-table';
export { HtmlReport, type ReportBlock, type ReportOptions } from './html-report';
export { notebookProgress, progressSink } from './notebook-progress';
export { currentPreset, notebookIntro, NOTEBOOK_PRESETS, type NotebookPresetName, type NotebookIntro } from './notebook';

// Public API of lib/report: views of result tables (DataFrame, CSV/JSON, HTML), HTML reports, notebook helpers.
// The Table type and its cells live in lib/results.
export { toDataFrame, danfojs, type DataFrameOptions } from './dataframe';
export { tableToCsv, writeTableCsv, writeTableJson, writeJson } from './export';
export { tableHtml, tableText, showTable } from './html-table';
export { HtmlReport, type ReportBlock, type ReportOptions, type ReportImage } from './html-report';
export { notebookProgress, progressSink } from './notebook-progress';
export { currentPreset, notebookIntro, NOTEBOOK_PRESETS, type NotebookPresetName, type NotebookIntro } from './notebook';

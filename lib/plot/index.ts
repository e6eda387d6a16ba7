// Public API of lib/plot: Plotly figure builders (one file per figure kind), display in tslab, static export.
export * from './figure';
export { lossHistogram, type LossHistogramOptions } from './loss-histogram';
export { lossHistogramPanels, type HistogramPanel, type LossHistogramPanelsOptions } from './loss-histogram-panels';
export { lossDensity, gaussianKde, silvermanBandwidth, type LossDensityOptions } from './loss-density';
export { probitLossDistribution, probitTransform, type ProbitOptions } from './probit';
export { rocCurves, rocFromScores, type RocCurve, type AttackScores, type RocOptions } from './roc';
export { metricBars, type MetricChartOptions } from './metric-bars';
export { metricLines, type MetricLinesOptions } from './metric-lines';
export { dotPlot, type DotPlotOptions, type DotPlotReference } from './dot-plot';
export { roundLines, roundLinePanels, type RoundSeries, type RoundLinesOptions, type RoundPanel } from './round-lines';
export { radarChart, type RadarSeries, type RadarOptions } from './radar';
export { imageGrid, type ImageGridOptions } from './image-grid';
export { heatmapOverlay, heatmapOverlayGrid, type HeatMap, type HeatMapRow, type HeatmapOverlayOptions, type HeatmapGridOptions } from './heatmap-overlay';
export { embeddingScatter, tsne2d, type EmbeddingScatterOptions, type TsneOptions } from './embedding-scatter';
export { renderFigures, renderFigure, figureImages, findChromium, type StaticImageOptions } from './static-image';
export { show, saveFigure, figureHtml, loadPlotlyInNotebook, FIGURE_MARKER, PLOTLY_NBEXTENSION_PATH, type ShowOptions } from './display';

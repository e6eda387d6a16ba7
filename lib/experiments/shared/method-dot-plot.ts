import { dotPlot } from '../../plot/dot-plot';
import type { Figure } from '../../plot/figure';
import type { ResultsTable } from '../../results';
import { PERCENT_SCALE } from './percent';
import { GAP_METRICS, readingReferences, REFERENCE_ROW_COLOURS } from './retrain-gap';

/** Axis titles of the metrics a method dot plot may show. */
export const METRIC_TITLES: Record<string, string> = {
  retainAcc: 'retain accuracy (%)',
  forgetAcc: 'forget accuracy (%)',
  testAcc: 'test accuracy (%)',
  mia: 'MIA score (ideal 50)',
  miaLoss: 'loss-LR MIA (ideal 50)',
  attackAuc: 'MLP attack AUC (ideal 0.5)',
};

/**
 * The values each metric can take (as drawn: accuracies and MIA scores in %, the attack AUC as a fraction,
 * seconds from 0 up). A 95% CI over a few seeds is cut at them, since no run passes them.
 */
export const METRIC_BOUNDS: Record<string, readonly [number, number]> = {
  retainAcc: [0, 100],
  forgetAcc: [0, 100],
  testAcc: [0, 100],
  mia: [0, 100],
  miaLoss: [0, 100],
  attackAuc: [0, 1],
  seconds: [0, Infinity],
};

/**
 * One scenario's methods as a dot plot: one row per method (Original and Retrain first, in greys), a panel
 * per metric with its axis fitted to the data, 95% CI bars, and dashed lines at Retrain's value and at the
 * ideal MIA of 50. Differences of a point or two, which bars drawn from 0 hide, show here.
 */
export function methodDotPlot(table: ResultsTable, title: string, metrics: readonly string[] = GAP_METRICS): Figure {
  const shown = metrics.filter((m) => table.metrics.includes(m));
  const view = table.view({ metrics: shown, scale: PERCENT_SCALE });
  return dotPlot(view, {
    labelColumn: 'method',
    metrics: shown,
    metricTitles: Object.fromEntries(shown.map((m) => [m, METRIC_TITLES[m] ?? m])),
    references: readingReferences(view, shown),
    rowColours: REFERENCE_ROW_COLOURS,
    bounds: Object.fromEntries(shown.filter((m) => m in METRIC_BOUNDS).map((m) => [m, METRIC_BOUNDS[m]])),
    title,
  });
}

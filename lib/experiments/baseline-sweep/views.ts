import { dotPlot } from '../../plot/dot-plot';
import { METRIC_BOUNDS, METRIC_TITLES } from '../shared/method-dot-plot';
import type { Cell, Table } from '../../results';
import type { ExperimentOutput } from '../shared/output';
import { PERCENT_SCALE, percent } from '../shared/percent';
import { AVG_GAP, readingNotes, readingReferences, REFERENCE_ROW_COLOURS } from '../shared/retrain-gap';
import { sweepTable, type BaselineSweepResult } from './run';
import { BASELINE_SWEEP, configLabel, RETAIN_SETS, type RetainSet } from './settings';
import { overSeeds } from '../../results';

const METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'seconds', AVG_GAP];

/** Every config of one retain set beside Original and Retrain: mean +- 95% CI over seeds (accuracies in %). */
/** The label suffix of each method's chosen config in the configs tables and figures. */
export const CHOSEN_MARK = ' (chosen)';

export function configsTable(r: Pick<BaselineSweepResult, 'cells' | 'choices'>, set: RetainSet): Table {
  const table = sweepTable(r.cells);
  const t = table.view({ metrics: METRICS.filter((m) => table.metrics.includes(m)), scale: PERCENT_SCALE });
  const si = t.columns.indexOf('scenario');
  const chosen = new Set(r.choices.filter((c) => c.retainSet === set).map((c) => `${c.method}: ${configLabel(c.entry)}`));
  const seeds = new Set(r.cells.map((c) => c.seed)).size;
  return {
    title:
      `Every config on the ${set === 'full' ? 'full' : 'Blend-reduced'} retain set, 10% uniform forgetting ` +
      `(${overSeeds(seeds)}; accuracies in %; ${AVG_GAP} to Retrain on the same seed)`,
    columns: t.columns.filter((_, j) => j !== si),
    rows: t.rows
      .filter((row) => row[si] === set)
      .map((row) => row.filter((_, j) => j !== si))
      .map((row) => (chosen.has(String(row[0])) ? [`${String(row[0])}${CHOSEN_MARK}`, ...row.slice(1)] : row)),
  };
}

/** The chosen config per method and retain set, with how close it gets to Retrain's MIA. */
export function choicesTable(r: Pick<BaselineSweepResult, 'choices'>): Table {
  return {
    title: `Chosen config per method and retain set: the lowest mean ${AVG_GAP} to Retrain (accuracies in %; MIA within 2 = |MIA - Retrain's| <= 2)`,
    columns: ['retain set', 'method', 'config', 'seeds', AVG_GAP, 'mia', 'retrain mia', 'MIA within 2', 'forgetAcc', 'testAcc', 'seconds'],
    rows: r.choices.map((c): Cell[] => [
      c.retainSet,
      c.method,
      configLabel(c.entry),
      c.seeds,
      c.avgGap,
      c.mia,
      c.miaRetrain,
      Math.abs(c.mia - c.miaRetrain) <= 2 ? 'yes' : 'no',
      percent(c.forgetAcc),
      percent(c.testAcc),
      c.seconds,
    ]),
  };
}

export function baselineSweepOutput(r: BaselineSweepResult): ExperimentOutput {
  const tables: Record<string, Table> = { choices: choicesTable(r) };
  const figures: NonNullable<ExperimentOutput['figures']> = [];
  const panels = ['forgetAcc', 'testAcc', 'mia', AVG_GAP];
  for (const set of RETAIN_SETS) {
    const t = configsTable(r, set);
    if (t.rows.length === 0) continue;
    tables[`configs-${set}`] = t;
    figures.push({
      figure: dotPlot(t, {
        title: t.title,
        labelColumn: 'method',
        metrics: panels,
        metricTitles: { ...METRIC_TITLES, [AVG_GAP]: `${AVG_GAP} to Retrain (points)` },
        bounds: METRIC_BOUNDS,
        references: readingReferences(t, panels),
        rowColours: REFERENCE_ROW_COLOURS,
      }),
      caption: `Configs on the ${set} retain set`,
    });
  }
  const seeds = new Set(r.cells.map((c) => c.seed)).size;
  const notes = [
    `Each config's ${AVG_GAP} is taken to Retrain on the same seed (Retrain: the original's recipe on the full retain set, for both retain sets); the chosen config has the lowest mean ${AVG_GAP} over the ${seeds} seed(s). ` +
      'A run flagged diverged or at chance is never chosen.',
    ...readingNotes({ hasGap: true, hasOriginal: true }),
    `${r.computed} cell(s) computed by this run, ${r.resumed} read back from an earlier run${r.progressFile ? ` (progress: ${r.progressFile})` : ''}.`,
  ];
  return {
    title: BASELINE_SWEEP.title,
    meta: [`preset ${r.preset}`, `backend ${r.backend}`, `${seeds} seed(s)`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables,
    figures,
    notes,
  };
}

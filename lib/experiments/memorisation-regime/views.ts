import { axis, baseLayout, PALETTE, type Figure } from '../../plot/figure';
import { ResultsTable, type Cell, type Table } from '../../results';
import type { ExperimentOutput } from '../shared/output';
import { PERCENT_SCALE, percent } from '../shared/percent';
import { summariseCandidates, type MemorisationRegimeResult } from './run';
import { MEMORISATION_REGIME } from './settings';

type Rows = Pick<MemorisationRegimeResult, 'cells' | 'candidates'>;

/** The table's metrics in column order; accuracies and the gap are fractions, rendered in percent. */
export const REGIME_METRICS = ['trainAcc', 'testAcc', 'gap', 'miaOriginal', 'miaRetrain', 'separation', 'seconds'] as const;
const SCALE: Record<string, number> = { ...PERCENT_SCALE, trainAcc: percent(1), gap: percent(1) };

/** Mean and 95% CI over seeds per candidate (method = candidate, scenario = recipe summary); seconds = original + Retrain training. */
export function regimeTable(r: Rows): ResultsTable {
  const summary = new Map(r.candidates.map((c) => [c.name, c.summary]));
  return ResultsTable.fromRuns(
    r.cells.map((x) => {
      const seconds: Record<string, number> = x.original.seconds != null && x.retrain.seconds != null ? { seconds: x.original.seconds + x.retrain.seconds } : {};
      return {
        method: x.candidate,
        scenario: summary.get(x.candidate) ?? '',
        seed: x.seed,
        metrics: {
          trainAcc: x.original.trainAcc,
          testAcc: x.original.testAcc,
          gap: x.original.gap,
          miaOriginal: x.original.mia,
          miaRetrain: x.retrain.mia,
          separation: x.separation,
          ...seconds,
        },
      };
    }),
  );
}

/** The candidates table: candidate, recipe, the metrics (accuracies in %), and whether it meets every criterion. */
export function candidatesTable(r: Pick<MemorisationRegimeResult, 'cells' | 'candidates' | 'criteria'>): Table {
  const t = regimeTable(r);
  const metrics = REGIME_METRICS.filter((m) => t.metrics.includes(m));
  const view = t.view({ metrics, scale: SCALE });
  const meets = new Map(summariseCandidates(r.cells, r.criteria).map((s) => [s.candidate, s.meets]));
  const c = r.criteria;
  return {
    title:
      `Original model per candidate recipe (mean +- 95% CI over seeds; accuracies in %); meets = train acc >= ${percent(c.minTrainAcc)}%, gap >= ${percent(c.minGap)} points, ` +
      `MIA >= ${c.minMia}, separation (MIA original - MIA Retrain) >= ${c.minSeparation}, forget set >= ${c.minForget}`,
    columns: ['candidate', 'recipe', ...metrics, 'meets'],
    rows: view.rows.map((row): Cell[] => [row[1], row[0], ...row.slice(2), meets.get(String(row[1])) ? 'yes' : 'no']),
  };
}

/** Retrain beside the original, per candidate and seed (the gold standard should sit at MIA about 50). */
export function retrainTable(r: Pick<MemorisationRegimeResult, 'cells'>): Table {
  return {
    title: 'Original vs Retrain per candidate and seed (accuracies in %; seconds = training time, empty when the original came from the model cache)',
    columns: ['candidate', 'seed', 'forget', 'original trainAcc', 'original testAcc', 'original mia', 'original seconds', 'retrain trainAcc', 'retrain forgetAcc', 'retrain testAcc', 'retrain mia', 'retrain seconds'],
    rows: r.cells.map((x) => [
      x.candidate,
      x.seed,
      x.sizes.forget ?? null,
      percent(x.original.trainAcc),
      percent(x.original.testAcc),
      x.original.mia,
      x.original.seconds,
      percent(x.retrain.trainAcc),
      percent(x.retrain.forgetAcc),
      percent(x.retrain.testAcc),
      x.retrain.mia,
      x.retrain.seconds,
    ]),
  };
}

/** The LiRA audit: AUC (x 100) and TPR at 1% / 0.1% FPR (%) of the original and Retrain, forget set vs evaluation split. */
export function liraTable(r: Pick<MemorisationRegimeResult, 'lira'>): Table {
  const rows: Cell[][] = [];
  for (const l of r.lira) {
    for (const variant of ['offline', 'online'] as const) {
      for (const model of ['original', 'retrain'] as const) {
        const n = l[variant][model];
        rows.push([l.candidate, l.shadows, variant, model, 100 * n.auc, percent(n.tprAt1pctFpr), percent(n.tprAt0_1pctFpr)]);
      }
    }
  }
  return {
    title: 'LiRA (Carlini et al. 2022) on the forget set (members of the original) vs the test evaluation split: AUC x 100, TPR at low FPR in %',
    columns: ['candidate', 'shadows', 'variant', 'model', 'auc', 'tpr@1%fpr', 'tpr@0.1%fpr'],
    rows,
  };
}

/** Dot plot: MIA score of the original and of Retrain per candidate (95% CI bars), with chance (50) and the MIA criterion marked. */
export function miaDotPlot(r: Pick<MemorisationRegimeResult, 'cells' | 'candidates' | 'criteria'>): Figure {
  const t = regimeTable(r);
  const names = t.rows.map((x) => x.method);
  const trace = (metric: 'miaOriginal' | 'miaRetrain', name: string, colour: string, symbol: string) => ({
    type: 'scatter',
    mode: 'markers',
    name,
    x: names,
    y: t.rows.map((x) => x.cells[metric].mean),
    error_y: { type: 'data', array: t.rows.map((x) => (Number.isFinite(x.cells[metric].ci) ? x.cells[metric].ci : 0)), visible: true, thickness: 1.5, width: 4 },
    marker: { color: colour, size: 11, symbol },
  });
  const hline = (y: number, dash: string, label: string) => [
    { type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: y, y1: y, line: { color: 'gray', width: 1, dash } },
    { xref: 'paper', x: 1, xanchor: 'right', yref: 'y', y, yanchor: 'bottom', text: label, showarrow: false, font: { size: 11, color: 'gray' } },
  ];
  const chance = hline(50, 'dash', 'chance (50)');
  const bar = hline(r.criteria.minMia, 'dot', `criterion (${r.criteria.minMia})`);
  return {
    data: [trace('miaOriginal', 'original', PALETTE[1], 'circle'), trace('miaRetrain', 'Retrain', PALETTE[0], 'diamond')],
    layout: baseLayout('MIA score (forget set vs test) of the original model and of Retrain per candidate recipe', {
      xaxis: axis('candidate', { tickangle: -30, automargin: true }),
      yaxis: axis('MIA score (AUC x 100)'),
      shapes: [chance[0], bar[0]],
      annotations: [chance[1], bar[1]],
      // Above the plot: under it, the legend would sit on the slanted candidate names.
      legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom' },
    }),
  };
}

export function memorisationRegimeOutput(r: MemorisationRegimeResult): ExperimentOutput {
  const tables: Record<string, Table> = { candidates: candidatesTable(r), retrain: retrainTable(r) };
  if (r.lira.length > 0) tables['lira'] = liraTable(r);
  const chosen = r.summaries.find((s) => s.candidate === r.chosen);
  const notes = [
    chosen
      ? `Chosen: ${chosen.candidate} (the largest separation among the candidates with train accuracy >= ${percent(r.criteria.minTrainAcc)}% and a gap >= ${percent(r.criteria.minGap)} points): ` +
        `train ${percent(chosen.trainAcc).toFixed(2)}%, test ${percent(chosen.testAcc).toFixed(2)}%, MIA ${chosen.miaOriginal.toFixed(1)} vs Retrain ${chosen.miaRetrain.toFixed(1)} ` +
        `(separation ${chosen.separation.toFixed(1)}); ${chosen.meets ? 'it meets every criterion' : 'it does not meet the MIA criteria'}.`
      : `No candidate reaches train accuracy >= ${percent(r.criteria.minTrainAcc)}% with a gap >= ${percent(r.criteria.minGap)} points.`,
    `${r.computed} cell(s) computed by this run, ${r.resumed} read back from an earlier run${r.progressFile ? ` (progress: ${r.progressFile})` : ''}.`,
  ];
  return {
    title: MEMORISATION_REGIME.title,
    meta: [`preset ${r.preset}`, `backend ${r.backend}`, `${new Set(r.cells.map((x) => x.seed)).size} seed(s)`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables,
    figures: [{ figure: miaDotPlot(r), caption: `MIA of the original vs Retrain per candidate, preset ${r.preset}` }],
    notes,
  };
}

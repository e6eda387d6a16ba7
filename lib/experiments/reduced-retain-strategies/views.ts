import { dotPlot } from '../../plot/dot-plot';
import type { Figure } from '../../plot/figure';
import { metricBars } from '../../plot/metric-bars';
import type { Cell, Table } from '../../results';
import { meanOrNaN } from '../shared/harness';
import type { ExperimentOutput } from '../shared/output';
import { percent, renderedCell } from '../shared/percent';
import { AVG_GAP, MIA_IDEAL_LINE, readingNotes, readingReferences, REFERENCE_ROW_COLOURS, RETRAIN, retrainGapRuns, retrainGapTable } from '../shared/retrain-gap';
import { strategyRuns, strategyTable, type RatioRow, type ReducedRetainResult } from './run';
import { PAPER_FIG3, PAPER_REDUCED_RATIOS, REDUCED_RETAIN_STRATEGIES, RETAIN_STRATEGIES, type RetainStrategy } from './settings';
import { overSeeds } from '../../results';

/** Plain table of the strategy means (one row per set; accuracies in %), Original and Retrain first where the result has them. */
export function strategyMeansTable(r: Pick<ReducedRetainResult, 'rows' | 'references'>): Table {
  const metrics = ['trainSize', 'forgetAcc', 'freeRetainAcc', 'residualRetainAcc', 'retainAcc', 'testAcc', 'mia', 'seconds', 'timePercent'];
  const n = new Set(r.rows.map((x) => x.seed)).size;
  return {
    title: `L1-sparse on each training set, read against Original and Retrain (${overSeeds(n)})`,
    columns: ['training set', ...metrics],
    rows: strategyTable(r.rows, r.references ?? []).rows.map((row): Cell[] => [row.method, ...metrics.map((m) => renderedCell(m, row.cells[m] ?? null))]),
  };
}

/** Each training set's gap to Retrain (same seed) per metric and Avg. Gap; null without a Retrain run. */
export function strategyGapTable(r: Pick<ReducedRetainResult, 'rows' | 'references'>): Table | null {
  const n = new Set(r.rows.map((x) => x.seed)).size;
  const t = retrainGapTable(strategyRuns(r.rows, r.references ?? []), `Gap to Retrain (training set - Retrain on the same seed, points) and Avg. Gap (mean |gap| over the four), ${overSeeds(n)}`);
  if (t == null) return null;
  // One scenario ('uniform'): the column says nothing.
  return { ...t, columns: ['training set', ...t.columns.slice(2)], rows: t.rows.map((row) => [row[1], ...row.slice(2)]) };
}

/** A training set's short name for figures: '(7) R_residual + Blend(R_free): reduced ...' -> '(7) R_residual + Blend(R_free)'; a status mark stays. */
function shortLabel(label: string): string {
  return label.replace(/^([^:]+):.*?( \[[a-z]+\])?$/, '$1$2');
}

/**
 * Test accuracy and MIA, where the training sets differ by a few points: a dot per set at the mean with
 * its 95% CI, each axis fitted to the data, Retrain's value and the ideal MIA of 50 dashed.
 */
export function strategyDotPlot(r: Pick<ReducedRetainResult, 'rows' | 'references'>): Figure {
  const means = strategyMeansTable(r);
  const table: Table = { ...means, rows: means.rows.map((row) => [shortLabel(String(row[0])), ...row.slice(1)]) };
  const metrics = ['testAcc', 'mia'];
  return dotPlot(table, {
    labelColumn: 'training set',
    metrics,
    metricTitles: { testAcc: 'test accuracy (%)', mia: 'MIA score (ideal 50)' },
    references: readingReferences(table, metrics, 'training set'),
    rowColours: REFERENCE_ROW_COLOURS,
    panelWidth: 260,
    title: 'L1-sparse per training set: test accuracy and MIA against Retrain (dashed), mean ± 95% CI',
  });
}

/** Ours beside the values the paper's text quotes for Fig. 3. */
export function strategyPaperTable(r: Pick<ReducedRetainResult, 'rows' | 'dataset'>): Table {
  const table = strategyTable(r.rows);
  const rows: Cell[][] = RETAIN_STRATEGIES.map((st) => {
    const row = table.rows.find((x) => x.method === st.label);
    const v = (m: string) => renderedCell(m, row?.cells[m] ?? null)?.mean ?? null;
    const paper = PAPER_FIG3[st.key];
    return [st.label, v('forgetAcc'), paper.forgetAcc, v('freeRetainAcc'), paper.freeRetainAcc, v('residualRetainAcc'), paper.residualRetainAcc, v('timePercent'), paper.timePercent, paper.text];
  });
  return {
    title: `Ours (${r.dataset}) vs the paper's Sec. 4.4 text (CINIC-10, ResNet-18)`,
    columns: ['training set', 'forget acc', 'paper forget acc', 'free-retain acc', 'paper free-retain', 'residual-retain acc', 'paper residual-retain', 'time %', 'paper time %', 'paper text'],
    rows,
  };
}

/** |R_reduced| / |R| per request (mean over seeds) beside the paper's quoted ratios. */
export function ratioTable(r: Pick<ReducedRetainResult, 'ratios' | 'dataset' | 'k' | 'setups'>): Table {
  const requests = [...new Set(r.ratios.map((x) => x.request))];
  const train = r.setups[0]?.sizes.train ?? NaN;
  const meanCluster = train / (r.k * 10);
  const rows: Cell[][] = requests.map((req) => {
    const xs = r.ratios.filter((x) => x.request === req);
    const mean = (f: (x: RatioRow) => number) => xs.reduce((a, x) => a + f(x), 0) / xs.length;
    const uniform = req.startsWith('uniform');
    return [
      req,
      mean((x) => x.retain),
      mean((x) => x.residual),
      mean((x) => x.blended),
      mean((x) => x.ratio),
      uniform ? PAPER_REDUCED_RATIOS.equalClusterEstimate(meanCluster) : null,
      uniform ? PAPER_REDUCED_RATIOS.cifar10Uniform : PAPER_REDUCED_RATIOS.cifar10OneClass,
      uniform ? null : PAPER_REDUCED_RATIOS.svhnOneClass,
    ];
  });
  return {
    title: `|R_reduced| / |R| (${r.dataset}, k = ${r.k} per class, mean cluster size ${meanCluster.toFixed(2)})`,
    columns: ['request', '|R|', 'residual', 'blended', 'ratio', 'equal-cluster estimate', 'paper CIFAR-10', 'paper SVHN'],
    rows,
  };
}

/** One paragraph: what agrees with the paper and what does not. */
export function reducedRetainSummary(r: Pick<ReducedRetainResult, 'rows' | 'ratios' | 'dataset' | 'references'>): string {
  const table = strategyTable(r.rows);
  const get = (key: RetainStrategy, m: string) => meanOrNaN(table, RETAIN_STRATEGIES.find((s) => s.key === key)!.label, 'uniform', m);
  const pct = (key: RetainStrategy, m: string) => percent(get(key, m));
  const f = (x: number) => x.toFixed(1);
  const uni = r.ratios.filter((x) => x.request.startsWith('uniform'));
  const cls = r.ratios.filter((x) => x.request.startsWith('class'));
  const avg = (xs: RatioRow[]) => xs.reduce((a, x) => a + x.ratio, 0) / Math.max(1, xs.length);
  return `Ours (${r.dataset}): forget accuracy (1) ${f(pct('full', 'forgetAcc'))}, (2) ${f(pct('blend-all', 'forgetAcc'))}, (3) ${f(pct('free', 'forgetAcc'))}, ` +
    `(4) ${f(pct('blend-free', 'forgetAcc'))}, (5) ${f(pct('residual', 'forgetAcc'))}, (6) ${f(pct('blend-residual', 'forgetAcc'))}, (7) ${f(pct('reduced', 'forgetAcc'))} %; ` +
    `free-retain accuracy of (7) ${f(pct('reduced', 'freeRetainAcc'))} % vs (5) ${f(pct('residual', 'freeRetainAcc'))} %; time of (7) ${f(get('reduced', 'timePercent'))} % of (1). ` +
    `Paper (CINIC-10): (7) forget 72.5 %, free-retain 75 %, 63.8 % time; (2) ~87, (3) ~67, (4) ~93, (6) ~88 % forget accuracy. ` +
    `|R_reduced|/|R|: ${f(100 * avg(uni))} % for 10 % uniform and ${f(100 * avg(cls))} % for one class (paper: CIFAR-10 60.2 % and 20.0 %, SVHN one class 2.2 %).` +
    retrainSentence(r);
}

/** Retrain's numbers and the Avg. Gap of sets (1) and (7), where the result has a Retrain run. */
function retrainSentence(r: Pick<ReducedRetainResult, 'rows' | 'references'>): string {
  const refs = r.references ?? [];
  const retrain = refs.filter((x) => x.model === RETRAIN);
  if (retrain.length === 0) return '';
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const gaps = retrainGapRuns(strategyRuns(r.rows, refs));
  const gapOf = (label: string) => mean(gaps.filter((g) => g.method === label && Number.isFinite(g.metrics[AVG_GAP])).map((g) => g.metrics[AVG_GAP]));
  const label = (i: number) => RETAIN_STRATEGIES[i].label;
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
  return ` Retrain (from scratch on R): forget ${f(percent(mean(retrain.map((x) => x.forgetAcc))))} %, test ${f(percent(mean(retrain.map((x) => x.testAcc))))} %, ` +
    `MIA ${f(mean(retrain.map((x) => x.mia)))}; ${AVG_GAP} to it: (1) ${f(gapOf(label(0)))}, (7) ${f(gapOf(label(6)))}, original ${f(gapOf('original'))} points.`;
}

/** The strategy means (with Original and Retrain), the gap to Retrain, the paper beside ours, the ratios, Fig. 3's bars and a dot plot. */
export function reducedRetainOutput(r: ReducedRetainResult): ExperimentOutput {
  const means = strategyMeansTable(r);
  const gap = strategyGapTable(r);
  const paper = strategyPaperTable(r);
  const ratios = ratioTable(r);
  // '(1)'...'(7)' on the bars' axis (the legend is the strategies table); 'original' and 'retrain' as they are.
  const short: Table = { ...means, rows: means.rows.map((row) => [String(row[0]).replace(/^(\(\d\)).*?( \[[a-z]+\])?$/, '$1$2'), ...row.slice(1)]) };
  const withTime: Table = { ...short, rows: short.rows.filter((row) => row[short.columns.indexOf('timePercent')] != null) };
  return {
    title: REDUCED_RETAIN_STRATEGIES.title,
    meta: [
      `preset ${r.preset}, backend ${r.backend}, ${r.dataset}, k = ${r.k}, seeds ${r.setups.length}, L1-sparse ${JSON.stringify(r.l1)}` + (r.retrain ? `, Retrain ${JSON.stringify(r.retrain)}` : ''),
      `run time ${r.seconds.toFixed(0)} s`,
    ],
    result: r,
    tables: { strategies: means, ...(gap ? { gap } : {}), paper, ratios },
    figures: [
      {
        figure: metricBars(short, { metrics: ['forgetAcc', 'freeRetainAcc', 'residualRetainAcc', 'testAcc', 'mia'], title: 'L1-sparse per training set (Fig. 3)', yTitle: '%', references: [MIA_IDEAL_LINE] }),
        caption: 'Fig. 3: accuracies and MIA (the dashed line is the ideal MIA score, 50)',
      },
      { figure: strategyDotPlot(r), caption: 'Test accuracy and MIA, where the training sets differ by a few points: dots at the mean, bars the 95% CI over seeds, axes fitted to the data.' },
      { figure: metricBars(withTime, { metrics: ['timePercent'], title: 'Unlearning time, % of set (1)', yTitle: '%' }), caption: 'Fig. 3: time' },
    ],
    notes: [...r.notes, reducedRetainSummary(r), ...readingNotes({ hasGap: gap != null, hasOriginal: (r.references ?? []).some((x) => x.model === 'original') })],
  };
}

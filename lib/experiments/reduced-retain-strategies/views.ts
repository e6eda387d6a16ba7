import { metricBars } from '../../plot/metric-bars';
import type { Cell, Table } from '../../results';
import { meanOrNaN } from '../shared/harness';
import type { ExperimentOutput } from '../shared/output';
import { percent, renderedCell } from '../shared/percent';
import { strategyTable, type RatioRow, type ReducedRetainResult } from './run';
import { PAPER_FIG3, PAPER_REDUCED_RATIOS, REDUCED_RETAIN_STRATEGIES, RETAIN_STRATEGIES, type RetainStrategy } from './settings';

/** Plain table of the strategy means (one row per set; accuracies in %). */
export function strategyMeansTable(r: Pick<ReducedRetainResult, 'rows'>): Table {
  const metrics = ['trainSize', 'forgetAcc', 'freeRetainAcc', 'residualRetainAcc', 'testAcc', 'mia', 'seconds', 'timePercent'];
  return {
    title: 'L1-sparse on each training set (mean over seeds)',
    columns: ['training set', ...metrics],
    rows: strategyTable(r.rows).rows.map((row): Cell[] => [row.method, ...metrics.map((m) => renderedCell(m, row.cells[m] ?? null))]),
  };
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
export function reducedRetainSummary(r: Pick<ReducedRetainResult, 'rows' | 'ratios' | 'dataset'>): string {
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
    `|R_reduced|/|R|: ${f(100 * avg(uni))} % for 10 % uniform and ${f(100 * avg(cls))} % for one class (paper: CIFAR-10 60.2 % and 20.0 %, SVHN one class 2.2 %).`;
}

/** The strategy means, the paper beside ours, the ratios, and Fig. 3's bars. */
export function reducedRetainOutput(r: ReducedRetainResult): ExperimentOutput {
  const means = strategyMeansTable(r);
  const paper = strategyPaperTable(r);
  const ratios = ratioTable(r);
  const short: Table = { ...means, rows: means.rows.map((row) => [String(row[0]).slice(0, 3), ...row.slice(1)]) };
  return {
    title: REDUCED_RETAIN_STRATEGIES.title,
    meta: [
      `preset ${r.preset}, backend ${r.backend}, ${r.dataset}, k = ${r.k}, seeds ${r.setups.length}, L1-sparse ${JSON.stringify(r.l1)}`,
      `run time ${r.seconds.toFixed(0)} s`,
    ],
    result: r,
    tables: { strategies: means, paper, ratios },
    figures: [
      { figure: metricBars(short, { metrics: ['forgetAcc', 'freeRetainAcc', 'residualRetainAcc', 'testAcc', 'mia'], title: 'L1-sparse per training set (Fig. 3)', yTitle: '%' }), caption: 'Fig. 3: accuracies and MIA' },
      { figure: metricBars(short, { metrics: ['timePercent'], title: 'Unlearning time, % of set (1)', yTitle: '%' }), caption: 'Fig. 3: time' },
    ],
    notes: [...r.notes, reducedRetainSummary(r)],
  };
}

import { metricBars } from '../../plot/metric-bars';
import type { Cell, Table } from '../../results';
import type { ExperimentOutput } from '../shared/output';
import { PAPER_TABLE1 } from '../shared/paper-000-table1';
import { methodOfLabel } from '../shared/measure';
import { PERCENT_SCALE, renderedCell } from '../shared/percent';
import { singleRoundTable, type SingleRoundResult } from './run';
import { SINGLE_ROUND } from './settings';

const METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'seconds', 'preSeconds'];

/** The runs of one result as its table (built from the rows, so results read back from results.json work too). */
const tableOf = (r: Pick<SingleRoundResult, 'rows'>) => singleRoundTable(r.rows);

/** Ours (mean over seeds) beside the paper's Table 1 (ResNet-18 / CIFAR-10), per scenario, method and variant; accuracies in %, as the paper's. */
export function paperComparisonTable(r: Pick<SingleRoundResult, 'rows'>): Table {
  const table = tableOf(r);
  const rows: Cell[][] = [];
  for (const [kind, label] of [['uniform', 'uniform 10%'], ['class', 'class']] as const) {
    for (const [method, full, withBlend] of PAPER_TABLE1[kind]) {
      for (const [variant, paper] of [['', full], ['+blend', withBlend]] as const) {
        // Flagged runs ('cf [diverged]') keep their label here too, so they never read as ordinary rows.
        for (const ours of table.rows.filter((x) => methodOfLabel(x.method) === `${method}${variant}` && x.scenario.startsWith(label))) {
          const m = (k: string) => renderedCell(k, ours.cells[k] ?? null)?.mean ?? null;
          rows.push([ours.scenario, ours.method, m('mia'), paper.mia, m('retainAcc'), paper.retainAcc, m('forgetAcc'), paper.forgetAcc, m('testAcc'), paper.testAcc, m('seconds'), paper.seconds]);
        }
      }
    }
  }
  return {
    title: 'Ours (Fashion-MNIST ConvNet unless gpu-paper) beside the paper (Table 1: ResNet-18 / CIFAR-10, GPU seconds)',
    columns: ['scenario', 'method', 'mia', 'paper mia', 'retainAcc', 'paper retainAcc', 'forgetAcc', 'paper forgetAcc', 'testAcc', 'paper testAcc', 'seconds', 'paper seconds'],
    rows,
  };
}

/** The Blend speed-up of each method: unlearning time without Blend / time with Blend (+ pre-processing). */
export function blendSpeedups(r: Pick<SingleRoundResult, 'rows'>): Table {
  const table = tableOf(r);
  const rows: Cell[][] = [];
  for (const row of table.rows.filter((x) => !methodOfLabel(x.method).endsWith('+blend'))) {
    for (const b of table.rows.filter((x) => methodOfLabel(x.method) === `${methodOfLabel(row.method)}+blend` && x.scenario === row.scenario)) {
      const full = row.cells.seconds.mean;
      const unl = b.cells.seconds.mean;
      const pre = b.cells.preSeconds?.mean ?? 0;
      rows.push([row.scenario, b.method === `${row.method}+blend` ? row.method : `${row.method} / ${b.method}`, full, unl, pre, full / unl, full / (unl + pre)]);
    }
  }
  return {
    title: 'Unlearning time without / with Blend (s); the last column counts k-means, F-sampling and Blend too',
    columns: ['scenario', 'method', 'seconds', 'seconds +blend', 'pre-processing', 'speed-up', 'speed-up incl. pre-processing'],
    rows,
  };
}

/** Tables (one per forget request, speed-ups, the paper beside ours) and one bar chart per request. */
export function singleRoundOutput(r: SingleRoundResult): ExperimentOutput {
  const tables: Record<string, Table> = {};
  const scenarios = [...new Set(r.rows.map((x) => x.scenario))];
  const seeds = new Set(r.rows.map((x) => x.seed)).size;
  const ofScenario = (scenario: string) => singleRoundTable(r.rows.filter((x) => x.scenario === scenario));
  for (const scenario of scenarios) {
    tables[`table-${scenario.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`] = ofScenario(scenario).view({ metrics: METRICS, scale: PERCENT_SCALE, title: `${scenario} forgetting (mean +- 95% CI over ${seeds} seed(s))` });
  }
  tables['speedups'] = blendSpeedups(r);
  tables['paper-comparison'] = paperComparisonTable(r);
  const figures = scenarios.map((scenario) => ({
    figure: metricBars(ofScenario(scenario).view({ metrics: ['forgetAcc', 'testAcc', 'mia'], scale: PERCENT_SCALE }), { labelColumn: 'method', title: `${scenario}: forget / test accuracy and MIA score per method` }),
    caption: `${scenario} forgetting, preset ${r.preset}`,
  }));
  return {
    title: SINGLE_ROUND.title,
    meta: [`preset ${r.preset}`, `backend ${r.backend}`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables,
    figures,
  };
}

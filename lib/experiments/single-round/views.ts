import type { Figure } from '../../plot/figure';
import type { Cell, Table } from '../../results';
import type { ExperimentOutput } from '../shared/output';
import { PAPER_TABLE1 } from '../shared/paper-000-table1';
import { methodOfLabel } from '../shared/measure';
import { PERCENT_SCALE, renderedCell } from '../shared/percent';
import { methodDotPlot } from '../shared/method-dot-plot';
import { readingNotes, retrainGapTable } from '../shared/retrain-gap';
import { singleRoundRuns, singleRoundTable, type SingleRoundResult } from './run';
import { SINGLE_ROUND } from './settings';
import { overSeeds } from '../../results';

const METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'seconds', 'preSeconds'];

/** A scenario as a file-name part: 'uniform 10%' -> 'uniform-10'. */
const scenarioSlug = (scenario: string) => scenario.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');

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

/**
 * One scenario's methods as a dot plot: one row per method (Original and Retrain first, in greys), a
 * panel per metric (retain, forget, test accuracy, MIA) with its axis fitted to the data, 95% CI bars,
 * and dashed lines at Retrain's value and at the ideal MIA of 50. Differences of a point or two, which
 * bars drawn from 0 hide, show here.
 */
export function singleRoundDotPlot(r: Pick<SingleRoundResult, 'rows' | 'originals'>, scenario: string): Figure {
  const seeds = new Set(r.rows.filter((x) => x.scenario === scenario).map((x) => x.seed)).size;
  const table = singleRoundTable(
    r.rows.filter((x) => x.scenario === scenario),
    (r.originals ?? []).filter((x) => x.scenario === scenario),
  );
  return methodDotPlot(table, `${scenario} forgetting: each method against Retrain (dashed) and Original, ${overSeeds(seeds)}`);
}

/**
 * Tables (one per forget request with Original and Retrain rows, the gap to Retrain per request, the
 * speed-ups, the paper beside ours) and one dot plot per request.
 */
export function singleRoundOutput(r: SingleRoundResult): ExperimentOutput {
  const tables: Record<string, Table> = {};
  const scenarios = [...new Set(r.rows.map((x) => x.scenario))];
  const seeds = new Set(r.rows.map((x) => x.seed)).size;
  const originals = r.originals ?? [];
  const of = (scenario: string) => ({ rows: r.rows.filter((x) => x.scenario === scenario), originals: originals.filter((x) => x.scenario === scenario) });
  for (const scenario of scenarios) {
    const s = of(scenario);
    const table = singleRoundTable(s.rows, s.originals);
    tables[`table-${scenarioSlug(scenario)}`] = table.view({ metrics: METRICS.filter((m) => table.metrics.includes(m)), scale: PERCENT_SCALE, title: `${scenario} forgetting (${overSeeds(seeds)})` });
    // The gap right under its table.
    const gap = retrainGapTable(singleRoundRuns(s.rows, s.originals), `${scenario}: gap to Retrain (method - Retrain on the same seed, points) and Avg. Gap (mean |gap| over the four), ${overSeeds(seeds)}`);
    if (gap != null) tables[`gap-${scenarioSlug(scenario)}`] = gap;
  }
  // Only where a method ran with and without Blend (the main job runs none with Blend: no empty table).
  const speedups = blendSpeedups(r);
  if (speedups.rows.length > 0) tables['speedups'] = speedups;
  tables['paper-comparison'] = paperComparisonTable(r);
  const figures = scenarios.map((scenario) => ({
    figure: singleRoundDotPlot(r, scenario),
    caption: `${scenario} forgetting, preset ${r.preset}: dots at the mean, bars the 95% CI over seeds; each axis fitted to its data (not from 0).`,
  }));
  return {
    title: SINGLE_ROUND.title,
    meta: [`preset ${r.preset}`, `backend ${r.backend}`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables,
    figures,
    notes: readingNotes({ hasGap: Object.keys(tables).some((n) => n.startsWith('gap-')), hasOriginal: originals.length > 0 }),
  };
}

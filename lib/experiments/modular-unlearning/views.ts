import type { ImageShape } from '../../data/dataset';
import { countParameters } from '../../models/count';
import { createModel } from '../../models/registry';
import { overSeeds, ResultsTable, type Cell, type RunRecord, type Table } from '../../results';
import { modularSplit } from '../../unlearn/shared/modular-parts';
import type { TrainRecipe } from '../shared/scenario';
import type { ExperimentOutput } from '../shared/output';
import { methodOfLabel, statusLabel } from '../shared/measure';
import { methodDotPlot } from '../shared/method-dot-plot';
import { PERCENT_SCALE, renderedCell } from '../shared/percent';
import { readingNotes, retrainGapTable } from '../shared/retrain-gap';
import { modularRuns, modularTable, MODULAR_FIXED, type ModularResult, type ModularRow } from './run';
import { MODULAR_UNLEARNING } from './settings';

const METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'miaLoss', 'seconds'];
const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');

/**
 * The reference's numbers (docs/reference/modular-2024.md#b11, CIFAR-10, 10% random forgetting): loss-LR
 * MIA, retain and forget accuracy (%), seconds on the authors' GPU. One seed, no CI.
 */
export const PAPER_002_RANDOM: Record<'mlp' | 'cnn4', Record<string, [number, number, number, number]>> = {
  cnn4: {
    modular: [57.6, 93.2, 89.6, 36.2],
    retrain: [50.4, 98.7, 78.9, 48.7],
    cf: [56.3, 99.2, 91.6, 48.2],
    distillation: [50.3, 99.4, 80.1, 61.9],
    'bad-teacher': [75.5, 93.1, 56.6, 30.9],
    'l1-sparse': [53.2, 98.2, 83.8, 48.8],
    synflow: [54.3, 97.2, 82.7, 47.5],
  },
  mlp: {
    modular: [55.4, 89.5, 60.7, 14.9],
    retrain: [49.5, 93.6, 50.4, 16.5],
    cf: [63.0, 96.9, 77.9, 16.6],
    distillation: [51.4, 96.0, 55.0, 20.6],
    'bad-teacher': [53.6, 76.6, 35.8, 8.4],
    'l1-sparse': [55.6, 92.0, 61.7, 18.5],
    synflow: [51.7, 75.6, 52.9, 18.0],
  },
};

/** The reference's class-wise forget accuracy of the modular method (CIFAR-10, class 2), where Retrain gives 0. */
export const PAPER_002_CLASS_FORGET: Record<string, number> = { cnn4: 64.8, mlp: 36.8, resnet18: 82.7, vgg16: 92.0 };

/** Ours (mean over seeds) beside the reference's CIFAR-10 numbers, 10% random forgetting. */
export function modularPaperComparison(r: Pick<ModularResult, 'rows'>): Table {
  const table = modularTable(r.rows);
  const rows: Cell[][] = [];
  for (const [model, methods] of Object.entries(PAPER_002_RANDOM)) {
    for (const [method, [mia, retainAcc, forgetAcc, seconds]] of Object.entries(methods)) {
      for (const ours of table.rows.filter((x) => methodOfLabel(x.method) === method && x.scenario === `${model}, uniform 10%`)) {
        const m = (k: string) => renderedCell(k, ours.cells[k] ?? null)?.mean ?? null;
        rows.push([model, ours.method, m('miaLoss'), mia, m('retainAcc'), retainAcc, m('forgetAcc'), forgetAcc, m('seconds'), seconds]);
      }
    }
  }
  for (const [model, forgetAcc] of Object.entries(PAPER_002_CLASS_FORGET)) {
    for (const ours of table.rows.filter((x) => [methodOfLabel(x.method)].some((m) => m === 'modular' || m === MODULAR_FIXED) && x.scenario === `${model}, class 0`)) {
      rows.push([`${model} (class-wise)`, ours.method, null, null, null, null, renderedCell('forgetAcc', ours.cells.forgetAcc ?? null)?.mean ?? null, forgetAcc, null, null]);
    }
  }
  return {
    title: 'Ours (Fashion-MNIST unless gpu-paper, mean over seeds) beside the 2024 reference (CIFAR-10, one run, GPU seconds); MIA = loss-LR attack accuracy (ideal 50)',
    columns: ['model', 'method', 'miaLoss', 'paper miaLoss', 'retainAcc', 'paper retainAcc', 'forgetAcc', 'paper forgetAcc', 'seconds', 'paper seconds'],
    rows,
  };
}

/** The reference's time ratio of the modular method to Retrain and to CF (10% random, CIFAR-10, PAPER_002_RANDOM). */
const paperTimeRatio = (model: string, to: 'retrain' | 'cf'): number | null => {
  const p = PAPER_002_RANDOM[model as 'mlp' | 'cnn4'];
  return p == null ? null : p.modular[3] / p[to][3];
};

/**
 * The paper's claim in one table: per model and request, each method's time as a multiple of Retrain's
 * and of CF's on the same seed (below 1 = faster), beside its gap to Retrain's loss-LR MIA and forget
 * accuracy (points), mean +- 95% CI over seeds; the reference's ratios beside the modular method's 10%
 * random rows. The modular method's time is its online phase only (as the paper times it).
 */
export function modularCostTable(rows: readonly ModularRow[]): Table {
  const runs: RunRecord[] = [];
  const key = (r: ModularRow) => JSON.stringify([r.model, r.scenario, r.seed]);
  const healthyRun = (method: string) => new Map(rows.filter((r) => r.method === method && (r.status == null || r.status === 'ok')).map((r) => [key(r), r]));
  const retrain = healthyRun('retrain');
  const cf = healthyRun('cf');
  for (const r of rows) {
    const ref = retrain.get(key(r));
    const c = cf.get(key(r));
    if (ref == null || c == null || !(r.seconds > 0) || r.method === 'retrain') continue;
    runs.push({
      method: statusLabel(r.method, r),
      scenario: `${r.model}, ${r.scenario}`,
      seed: r.seed,
      metrics: {
        'time / Retrain': r.seconds / ref.seconds,
        'time / CF': r.seconds / c.seconds,
        'miaLoss gap': r.miaLoss - ref.miaLoss,
        'forgetAcc gap': 100 * (r.forgetAcc - ref.forgetAcc),
      },
    });
  }
  const columns = ['scenario', 'method', 'time / Retrain', 'paper time / Retrain', 'time / CF', 'paper time / CF', 'miaLoss gap', 'forgetAcc gap'];
  const title = `Time against Retrain and CF (online seconds, ratio on the same seed; < 1 = faster) beside the gap to Retrain's loss-LR MIA and forget accuracy (points), mean +- 95% CI over seeds; 'paper' = the reference's ratio (CIFAR-10 on a GPU, 10% random, one run)`;
  if (runs.length === 0) return { title, columns, rows: [] };
  const t = ResultsTable.fromRuns(runs);
  return {
    title,
    columns,
    rows: t.rows.map((x) => {
      const model = x.scenario.split(',')[0];
      const paper = methodOfLabel(x.method) === 'modular' && x.scenario.endsWith('uniform 10%');
      const cell = (m: string): Cell => (x.cells[m] == null ? null : { ...x.cells[m] });
      return [x.scenario, x.method, cell('time / Retrain'), paper ? paperTimeRatio(model, 'retrain') : null, cell('time / CF'), paper ? paperTimeRatio(model, 'cf') : null, cell('miaLoss gap'), cell('forgetAcc gap')];
    }),
  };
}

/** The modular method's pre-processing per model (mean over seeds): what the paper leaves out of its times. */
export function preprocessingTable(r: Pick<ModularResult, 'setups'>): Table {
  const models = [...new Set(r.setups.map((s) => s.model))];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rows: Cell[][] = [];
  for (const model of models) {
    const s = r.setups.filter((x) => x.model === model);
    const scenarios = [...new Set(s.flatMap((x) => x.requests.map((q) => q.scenario)))];
    for (const scenario of scenarios) {
      const q = s.flatMap((x) => x.requests.filter((y) => y.scenario === scenario));
      rows.push([
        model,
        scenario,
        100 * mean(s.map((x) => x.originalTrainAcc)),
        100 * mean(s.map((x) => x.originalTestAcc)),
        mean(s.map((x) => x.kmeansSeconds)),
        mean(s.map((x) => x.condensationSeconds)),
        mean(s.map((x) => x.offlineSeconds)),
        mean(q.map((y) => y.collectionSeconds)),
        mean(q.map((y) => y.reducedRatio)),
      ]);
    }
  }
  return {
    title: 'Per model and request (mean over seeds): the original\'s train / test accuracy (%), the modular method\'s pre-processing seconds (k-means, fast DM, offline phase: once per model; collection: per request) and |R~| / |R|',
    columns: ['model', 'scenario', 'original train acc', 'original test acc', 'k-means s', 'fast DM s', 'offline s', 'collection s', 'reduced / retain'],
    rows,
  };
}

/** The Beginning / Intermediate / Final parts of a recipe's model at the reference's cut points: stages and parameter counts. */
export function modularPartsTable(recipe: TrainRecipe, inputShape: ImageShape, numClasses = 10): Table {
  const model = createModel(recipe.model, { inputShape, numClasses, seed: 0, options: recipe.modelOptions });
  try {
    const split = modularSplit(model, { intermediateFrom: '', finalFrom: '', reluOnLogits: false });
    return {
      title: `${recipe.model} ${JSON.stringify(recipe.modelOptions)}: the three parts (docs/reference/modular-2024.md#b2)`,
      columns: ['part', 'stages', 'parameters'],
      rows: split.parts.map((p) => [p.name, p.stageNames.join(', '), countParameters(p)]),
    };
  } finally {
    model.dispose();
  }
}

/** Per model and request: the table with Original and Retrain rows, the gap to Retrain, a dot plot; then the pre-processing and the paper. */
export function modularOutput(r: ModularResult): ExperimentOutput {
  const tables: Record<string, Table> = {};
  const seeds = new Set(r.rows.map((x) => x.seed)).size;
  const scenarios = [...new Set(r.rows.map((x) => `${x.model}, ${x.scenario}`))];
  const rowsOf = (sc: string) => r.rows.filter((x) => `${x.model}, ${x.scenario}` === sc);
  for (const sc of scenarios) {
    const t = modularTable(rowsOf(sc));
    tables[`table-${slug(sc)}`] = t.view({ metrics: METRICS.filter((m) => t.metrics.includes(m)), scale: PERCENT_SCALE, title: `${sc} (${overSeeds(seeds)})` });
    const gap = retrainGapTable(modularRuns(rowsOf(sc)), `${sc}: gap to Retrain (method - Retrain on the same seed, points) and Avg. Gap, ${overSeeds(seeds)}`);
    if (gap != null) tables[`gap-${slug(sc)}`] = gap;
  }
  tables['cost'] = modularCostTable(r.rows);
  tables['preprocessing'] = preprocessingTable(r);
  tables['paper-comparison'] = modularPaperComparison(r);
  const figures = scenarios.map((sc) => ({
    figure: methodDotPlot(modularTable(rowsOf(sc)), `${sc}: each method against Retrain (dashed) and Original, ${overSeeds(seeds)}`, ['retainAcc', 'forgetAcc', 'testAcc', 'miaLoss']),
    caption: `${sc}, preset ${r.preset}: the MIA panel is the 2024 reference's loss-LR attack accuracy, forget vs the whole evaluation split (class-unfiltered, so class-wise Retrain scores far from 50).`,
  }));
  return {
    title: MODULAR_UNLEARNING.title,
    meta: [`preset ${r.preset}`, `backend ${r.backend}`, `${seeds} seed(s)`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables,
    figures,
    notes: [
      ...readingNotes({ hasGap: Object.keys(tables).some((n) => n.startsWith('gap-')), hasOriginal: true }),
      "The modular method's time is its online phase only, as the paper times it; k-means, fast DM, the offline phase and the collection protocol are in the pre-processing table.",
      `'${MODULAR_FIXED}': the reference's class-wise configs have S - tau < 0, so Final is never trained online; this row trains it in the first half of the outer epochs on the remembrance images of the classes kept.`,
    ],
  };
}

import type { ImageShape } from '../../data/dataset';
import { countParameters } from '../../models/count';
import { createModel } from '../../models/registry';
import type { Cell, Table } from '../../results';
import { modularSplit } from '../../unlearn/shared/modular-parts';
import type { ExperimentOutput } from '../shared/output';
import { methodOfLabel } from '../shared/measure';
import { methodDotPlot } from '../shared/method-dot-plot';
import { PERCENT_SCALE, renderedCell } from '../shared/percent';
import { readingNotes, retrainGapTable } from '../shared/retrain-gap';
import { CONDENSED_CUTS, condensedModelOf } from './condensed-model';
import { condensedModelRuns, condensedModelTable, RECONDENSATION, type CondensedModelResult } from './run';
import { CONDENSED_MODEL_UNLEARNING, PAPER_002_CONDENSED, type CondensedModelSetting } from './settings';
import { overSeeds } from '../../results';

const METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'miaLoss', 'seconds'];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Ours (mean over seeds) beside the reference's CIFAR-10 numbers (one run, GPU seconds). */
export function condensedModelPaperComparison(r: Pick<CondensedModelResult, 'rows'>): Table {
  const table = condensedModelTable(r.rows);
  const rows: Cell[][] = [];
  for (const [method, paper] of Object.entries(PAPER_002_CONDENSED)) {
    for (const ours of table.rows.filter((x) => methodOfLabel(x.method) === method)) {
      const m = (k: string) => renderedCell(k, ours.cells[k] ?? null)?.mean ?? null;
      const ref = (v: number) => (Number.isFinite(v) ? v : null);
      rows.push([ours.method, m('miaLoss'), paper.miaLoss, m('retainAcc'), paper.retainAcc, m('forgetAcc'), paper.forgetAcc, m('testAcc'), ref(paper.testAcc), m('seconds'), ref(paper.seconds)]);
    }
  }
  return {
    title: 'Ours (Fashion-MNIST unless gpu-paper, mean over seeds) beside the 2024 reference (CIFAR-10, one run, GPU seconds; its Retrain is a VGG-16); MIA = loss-LR attack accuracy (ideal 50)',
    columns: ['method', 'miaLoss', 'paper miaLoss', 'retainAcc', 'paper retainAcc', 'forgetAcc', 'paper forgetAcc', 'testAcc', 'paper testAcc', 'seconds', 'paper seconds'],
    rows,
  };
}

/** The condensed model of a setting on images of `inputShape`: its three parts, their stages and parameter counts. */
export function condensedPartsTable(p: Pick<CondensedModelSetting, 'recipe' | 'classifier'>, inputShape: ImageShape, numClasses = 10): Table {
  const pretrained = createModel(p.recipe.model, { inputShape, numClasses, seed: 0, options: p.recipe.modelOptions });
  const model = condensedModelOf(pretrained, p.classifier, 0);
  try {
    const split = modularSplit(model, CONDENSED_CUTS);
    return {
      title: `The condensed model on [${inputShape.join(', ')}] images: encoder | decoder (the databank) | ConvClassifier ${JSON.stringify(p.classifier)}`,
      columns: ['part', 'stages', 'parameters'],
      rows: split.parts.map((x) => [x.name, x.stageNames.join(', '), countParameters(x)]),
    };
  } finally {
    pretrained.dispose();
    model.dispose();
  }
}

/** The pre-processing per seed: the pretrained autoencoder, k-means, fast DM, the offline phase and |R~| / |R|. */
export function condensedPreprocessingTable(r: Pick<CondensedModelResult, 'setups'>): Table {
  return {
    title: "Per seed: the pretrained autoencoder's train / test accuracy (%), the pre-processing seconds (k-means on the encoder's code, fast DM, offline phase) and |R~| / |R|",
    columns: ['seed', 'original train acc', 'original test acc', 'k-means s', 'fast DM s', 'offline s', 'reduced / retain'],
    rows: r.setups.map((s) => [s.seed, 100 * s.originalTrainAcc, 100 * s.originalTestAcc, s.kmeansSeconds, s.condensationSeconds, s.offlineSeconds, s.reducedRatio]),
  };
}

/** The offline rounds (mean over seeds): Final's weight norm as each round starts (re-initialised every round) and the stages' last losses. */
export function offlineRoundsTable(r: Pick<CondensedModelResult, 'setups'>): Table {
  const rounds = [...new Set(r.setups.flatMap((s) => s.offlineRounds.map((x) => x.round)))].sort((a, b) => a - b);
  const of = (round: number, k: 'finalStartNorm' | 'finalLoss' | 'intermediateLoss') => mean(r.setups.flatMap((s) => s.offlineRounds.filter((x) => x.round === round).map((x) => x[k])));
  return {
    title: "Offline phase per round (mean over seeds): the new Final's weight norm as the round starts, Final's last loss on the remembrance set, the decoder's last loss on the training set",
    columns: ['round', 'Final norm at start', 'Final loss', 'Intermediate loss'],
    rows: rounds.map((k) => [k, of(k, 'finalStartNorm'), of(k, 'finalLoss'), of(k, 'intermediateLoss')]),
  };
}

/** The table with Original and Retrain rows, the gap to Retrain, the pre-processing, the offline rounds and the paper; one dot plot. */
export function condensedModelOutput(r: CondensedModelResult): ExperimentOutput {
  const seeds = new Set(r.rows.map((x) => x.seed)).size;
  const t = condensedModelTable(r.rows);
  const tables: Record<string, Table> = {
    table: t.view({ metrics: METRICS.filter((m) => t.metrics.includes(m)), scale: PERCENT_SCALE, title: `Unlearning in a condensed model, 10% random forgetting (${overSeeds(seeds)})` }),
  };
  const gap = retrainGapTable(condensedModelRuns(r.rows), `Gap to Retrain (method - Retrain on the same seed, points) and Avg. Gap, ${overSeeds(seeds)}`);
  if (gap != null) tables['gap'] = gap;
  tables['preprocessing'] = condensedPreprocessingTable(r);
  tables['offline-rounds'] = offlineRoundsTable(r);
  tables['paper-comparison'] = condensedModelPaperComparison(r);
  return {
    title: CONDENSED_MODEL_UNLEARNING.title,
    meta: [`preset ${r.preset}`, `backend ${r.backend}`, `${seeds} seed(s)`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables,
    figures: [
      {
        figure: methodDotPlot(t, `Unlearning in a condensed model: each model against Retrain (dashed) and Original, ${overSeeds(seeds)}`, ['retainAcc', 'forgetAcc', 'testAcc', 'miaLoss']),
        caption: `Preset ${r.preset}: the MIA panel is the 2024 reference's loss-LR attack accuracy, forget vs the whole evaluation split (ideal 50).`,
      },
    ],
    notes: [
      ...readingNotes({ hasGap: gap != null, hasOriginal: true }),
      "Original is the pretrained autoencoder with its MLP head on the code; the modular method's time is its online phase only, as the paper times it (k-means, fast DM and the offline phase are in the pre-processing table).",
      `'${RECONDENSATION}': the unlearned encoder + decoder frozen and a new ConvClassifier trained on the remembrance set only; its time is that training. Retrain is a standard classifier (not the condensed model) trained from scratch on the retain set.`,
    ],
  };
}

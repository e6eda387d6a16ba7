import { lossHistogram } from '../../plot/loss-histogram';
import type { Cell, Table } from '../../results';
import type { ExperimentOutput } from '../shared/output';
import { methodOfLabel } from '../shared/measure';
import { methodDotPlot } from '../shared/method-dot-plot';
import { PERCENT_SCALE, renderedCell } from '../shared/percent';
import { readingNotes, retrainGapTable } from '../shared/retrain-gap';
import { LOG_FLOOR, miaDefenceRuns, miaDefenceTable, type MiaDefenceResult } from './run';
import { MIA_DEFENCE, PAPER_002_MIA_DEFENCE, type MemorisedSelection } from './settings';
import { overSeeds } from '../../results';

/** The gap to Retrain over the accuracies and the 2024 paper's MIA (the Blend-paper MIA is not reported here). */
const GAP_METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'miaLoss'];
const METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'miaLoss', 'attackAuc', 'attackAdvantage', 'seconds'];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** What each selection forgets (mean over seeds): the set's size, its overlap with Otsu's set, and its scores. */
export function memorisedSetsTable(r: Pick<MiaDefenceResult, 'sets'>): Table {
  const selections = [...new Set(r.sets.map((s) => s.selection))];
  return {
    title: 'The memorised sets (mean over seeds): size, share also selected by the intended rule (chance = size / train size), mean overfitting metric of the set and of the rest',
    columns: ['selection', 'Otsu threshold', 'forget size', 'train size', 'shared with intended', 'chance', 'mean o (set)', 'mean o (rest)'],
    rows: selections.map((sel) => {
      const s = r.sets.filter((x) => x.selection === sel);
      const size = mean(s.map((x) => x.forgetSize));
      const train = mean(s.map((x) => x.trainSize));
      return [sel, mean(s.map((x) => x.threshold)), size, train, mean(s.map((x) => x.sharedWithIntended)), size / train, mean(s.map((x) => x.meanScoreForget)), mean(s.map((x) => x.meanScoreRetain))];
    }),
  };
}

/** The DP-Adam runs: the epsilon actually spent, the noise the accountant chose, and the cost. */
export function dpTable(r: Pick<MiaDefenceResult, 'dp'>): Table {
  return {
    title: 'DP-Adam per seed: (epsilon, delta) spent by the RDP accountant, the noise multiplier chosen for the target epsilon, Poisson sampling rate, steps, share of clipped per-example gradients in the last epoch, seconds',
    columns: ['seed', 'epsilon', 'delta', 'noise multiplier', 'sampling rate', 'steps', 'clipped share', 'seconds'],
    rows: r.dp.map((d) => [d.seed, d.epsilon, d.delta, d.noiseMultiplier, d.samplingRate, d.steps, d.clippedFraction, d.seconds]),
  };
}

/** Ours (mean over seeds) beside the reference's VGG-16 / CIFAR-10 numbers (its set is effectively random: compare with 'reference'). */
export function miaDefencePaperComparison(r: Pick<MiaDefenceResult, 'rows'>): Table {
  const table = miaDefenceTable(r.rows);
  const rows: Cell[][] = [];
  for (const [method, paper] of Object.entries(PAPER_002_MIA_DEFENCE)) {
    for (const ours of table.rows.filter((x) => methodOfLabel(x.method) === method)) {
      const m = (k: string) => renderedCell(k, ours.cells[k] ?? null)?.mean ?? null;
      rows.push([ours.scenario, ours.method, m('miaLoss'), paper.miaLoss, m('testAcc'), paper.testAcc, m('attackAuc'), paper.attackAuc]);
    }
  }
  return {
    title: "Ours (mean over seeds) beside the 2024 reference (VGG-16 on CIFAR-10, one run; its forget set is the double-permuted one, so compare with 'reference')",
    columns: ['set', 'method', 'miaLoss', 'paper miaLoss', 'testAcc', 'paper testAcc', 'attackAuc', 'paper attackAuc'],
    rows,
  };
}

/** Per selection: the table with Original and Retrain, the gap to Retrain and a dot plot; the sets, DP-Adam, the paper; the score histogram. */
export function miaDefenceOutput(r: MiaDefenceResult): ExperimentOutput {
  const seeds = new Set(r.rows.map((x) => x.seed)).size;
  const tables: Record<string, Table> = {};
  const selections = [...new Set(r.rows.map((x) => x.selection))] as MemorisedSelection[];
  const rowsOf = (sel: MemorisedSelection) => r.rows.filter((x) => x.selection === sel);
  for (const sel of selections) {
    const t = miaDefenceTable(rowsOf(sel));
    tables[`table-${sel}`] = t.view({ metrics: METRICS.filter((m) => t.metrics.includes(m)), scale: PERCENT_SCALE, title: `Memorised set (${sel}): ${overSeeds(seeds)}` });
    const gap = retrainGapTable(miaDefenceRuns(rowsOf(sel)), `Memorised set (${sel}): gap to Retrain (method - Retrain on the same seed, points) and Avg. Gap, ${overSeeds(seeds)}`, { metrics: GAP_METRICS });
    if (gap != null) tables[`gap-${sel}`] = gap;
  }
  tables['memorised-sets'] = memorisedSetsTable(r);
  tables['dp-adam'] = dpTable(r);
  tables['paper-comparison'] = miaDefencePaperComparison(r);
  const first = r.scores[0];
  const histogram = (values: number[], threshold: number, xTitle: string, title: string) =>
    lossHistogram({ [`memorised (<= ${threshold.toPrecision(3)})`]: values.filter((v) => v <= threshold), rest: values.filter((v) => v > threshold) }, { title, xTitle, bins: 60, logY: true, density: false });
  const logValues = first ? first.values.map((v) => Math.log10(Math.max(v, LOG_FLOOR))) : [];
  const figures = [
    ...(first != null
      ? [
          {
            figure: histogram(first.values, first.threshold, 'overfitting metric o = |CE - mean (dCE/dtheta)^2|', `Overfitting metric of every training sample under the pretrained model (seed ${first.seed}) and Otsu's split`),
            caption: "Low o = low loss and a flat gradient: what the model memorised. The samples at or below Otsu's threshold are the 'intended' forget set.",
          },
          {
            figure: histogram(logValues, first.logThreshold, 'log10(o)', `The same scores on a log scale (seed ${first.seed}) and Otsu's split over log10(o)`),
            caption: "The 'intended-log' forget set: Otsu's rule over log10(o), the most memorised samples.",
          },
        ]
      : []),
    ...selections.map((sel) => ({
      figure: methodDotPlot(miaDefenceTable(rowsOf(sel)), `Memorised set (${sel}): each model against Retrain (dashed) and Original, ${overSeeds(seeds)}`, ['testAcc', 'forgetAcc', 'miaLoss', 'attackAuc']),
      caption: `Preset ${r.preset}. loss-LR MIA: the memorised set vs the evaluation split (ideal 50). MLP attack AUC: TF Privacy's neural attack on train vs test losses (ideal 0.5).`,
    })),
  ];
  return {
    title: MIA_DEFENCE.title,
    meta: [`preset ${r.preset}`, `backend ${r.backend}`, `${seeds} seed${seeds === 1 ? '' : 's'}`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables,
    figures,
    notes: [
      ...readingNotes({ hasGap: Object.keys(tables).some((n) => n.startsWith('gap-')), hasOriginal: true }),
      "'intended' forgets the samples Otsu's threshold over the overfitting metric o selects; 'reference' forgets what the reference's code does: the selected positions pass through its permutation a second time, so the set is random, of the same size; 'intended-log' applies Otsu's rule to log10(o) (ours: on a memorising model Otsu over o selects nearly the whole training set).",
      'DP-Adam is trained from scratch on the whole training set (the memorised samples included) at the reference\'s epsilon, delta, clip, learning rate, batch and epochs; its time is its whole training. The modular method\'s time is its online phase only.',
    ],
  };
}

import type { Figure } from '../../plot/figure';
import { radarChart } from '../../plot/radar';
import { overSeeds, type Table } from '../../results';
import { cellOrNull, meanOrNaN } from '../shared/harness';
import { statusLabel } from '../shared/measure';
import { retrainGapTable, RETRAIN } from '../shared/retrain-gap';
import type { ExperimentOutput } from '../shared/output';
import { percent, renderedCell } from '../shared/percent';
import { paperCell, suliLabel, SULI_METHOD_LABELS } from '../shared/suli-setting';
import { PAPER_TABLE4, PAPER_TABLE5 } from '../shared/suli-paper-numbers';
import { suliClassTable, type SuliClassWiseResult } from './run';
import { PAPER_TABLE2, RADAR_AXES, SULI_CLASS_WISE } from './settings';

/** The runs of one result as its table (built from the rows, so results read back from results.json work too). */
const tableOf = (r: Pick<SuliClassWiseResult, 'rows' | 'forgetClass'>) => suliClassTable(r.rows, r.forgetClass);

/** Table 2 beside ours: accuracies (%) per method. */
export function suliTable2(r: SuliClassWiseResult): Table {
  const paper = PAPER_TABLE2[r.paperDataset];
  const table = tableOf(r);
  const metrics = ['retainAcc', 'forgetAcc', 'testRetainAcc', 'testForgetAcc'] as const;
  return {
    title: `Table 2 (class-wise, forget '${r.forgetClass}'): ours on ${r.setting} vs paper ${r.paperDataset} (%)`,
    columns: ['method', 'A_Dr', 'A_Df', 'A_Dtr', 'A_Dtf', 'paper A_Dr', 'paper A_Df', 'paper A_Dtr', 'paper A_Dtf'],
    rows: table.rows.map((row) => [
      suliLabel(row.method),
      ...metrics.map((m) => renderedCell(m, cellOrNull(table, row.method, row.scenario, m))),
      ...metrics.map((m) => paperCell(paper[row.method]?.[m])),
    ]),
  };
}

/**
 * Each method's gap to Retrain on the same seed (method - Retrain, points; the MIA as the attack's
 * accuracy in %) over Table 2's four accuracies and the MIA, and Avg. Gap; null without Retrain runs.
 */
export function suliClassGapTable(r: Pick<SuliClassWiseResult, 'rows' | 'forgetClass'>): Table | null {
  const seeds = new Set(r.rows.map((x) => x.seed)).size;
  const runs = r.rows.map((x) => ({
    method: suliLabel(statusLabel(x.method, x)),
    scenario: r.forgetClass,
    seed: x.seed,
    metrics: { retainAcc: x.retainAcc, forgetAcc: x.forgetAcc, testRetainAcc: x.testRetainAcc ?? NaN, testForgetAcc: x.testForgetAcc ?? NaN, mia: 100 * x.mia },
  }));
  return retrainGapTable(runs, `Gap to Retrain (method - Retrain on the same seed, points; MIA as attack accuracy in %) and Avg. Gap, ${overSeeds(seeds)}`, {
    reference: suliLabel(RETRAIN),
    metrics: ['retainAcc', 'forgetAcc', 'testRetainAcc', 'testForgetAcc', 'mia'],
  });
}

/** Table 4's class column beside ours: loss-MIA attack accuracy (ideal 0.5). */
export function suliTable4Class(r: SuliClassWiseResult): Table {
  const paper = PAPER_TABLE4[r.paperDataset];
  const table = tableOf(r);
  return {
    title: `Table 4 (class-wise MIA, 10-fold loss attack; ideal 0.5): ours vs paper ${r.paperDataset}`,
    columns: ['method', 'MIA', 'MIA std over folds', 'paper MIA'],
    rows: table.rows.map((row) => [
      suliLabel(row.method),
      cellOrNull(table, row.method, row.scenario, 'mia'),
      cellOrNull(table, row.method, row.scenario, 'miaStd'),
      paperCell(paper[row.method]?.class),
    ]),
  };
}

/** Table 5's class row beside ours: runtime (s). */
export function suliTable5Class(r: SuliClassWiseResult): Table {
  const table = tableOf(r);
  return {
    title: `Table 5 (class-wise runtime, s): ours (${r.backend}) vs paper (RTX 4070)`,
    columns: ['method', 'seconds (whole call)', 'seconds (updates, as the paper)', 'updates', 'paper seconds'],
    rows: table.rows
      .filter((row) => row.method !== 'original')
      .map((row) => [
        suliLabel(row.method),
        cellOrNull(table, row.method, row.scenario, 'seconds'),
        cellOrNull(table, row.method, row.scenario, 'paperSeconds'),
        cellOrNull(table, row.method, row.scenario, 'updates'),
        PAPER_TABLE5[row.method]?.class ?? null,
      ]),
  };
}

/** Fig. 3's five objectives in [0, 1] per method (formulas in RADAR_AXES' comment). */
export function suliRadarScores(r: SuliClassWiseResult): { method: string; values: number[] }[] {
  const table = tableOf(r);
  const tableMean = (method: string, metric: string) => meanOrNaN(table, method, r.forgetClass, metric);
  const methods = table.methods().filter((m) => m !== 'original');
  const fastest = Math.min(...methods.map((m) => Math.max(1e-6, tableMean(m, 'paperSeconds'))));
  return methods.map((m) => ({
    method: m,
    values: [
      tableMean(m, 'retainAcc'),
      1 - tableMean(m, 'forgetAcc'),
      tableMean(m, 'testRetainAcc'),
      Math.max(0, 1 - 2 * Math.abs(tableMean(m, 'mia') - 0.5)),
      fastest / Math.max(1e-6, tableMean(m, 'paperSeconds')),
    ],
  }));
}

/** Fig. 3 as one small radar per method, each with Retrain (the gold standard) outlined when it ran. */
export function suliRadar(r: SuliClassWiseResult): Figure {
  const scores = suliRadarScores(r);
  return radarChart(
    [...RADAR_AXES],
    scores.map((s) => ({ name: suliLabel(s.method), values: s.values })),
    { title: `Fig. 3: five objectives, class-wise (${r.setting})`, range: [0, 1], ...(scores.some((s) => s.method === 'retrain') ? { reference: suliLabel('retrain') } : {}) },
  );
}

/** Sentences comparing our run with the paper, built from the numbers (so they always match them). */
export function suliClassWiseNotes(r: SuliClassWiseResult): string[] {
  const p2 = PAPER_TABLE2[r.paperDataset];
  const table = tableOf(r);
  const mean = (m: string, k: string) => meanOrNaN(table, m, r.forgetClass, k);
  const pct = (m: string, k: string) => percent(mean(m, k));
  const methods = table.methods().filter((m) => m !== 'original');
  const notes: string[] = [];
  if (methods.includes('suli')) {
    notes.push(
      `SULI took forget accuracy from ${pct('original', 'forgetAcc').toFixed(1)}% to ${pct('suli', 'forgetAcc').toFixed(1)}% (paper: 0) ` +
        `with retain accuracy ${pct('original', 'retainAcc').toFixed(1)}% -> ${pct('suli', 'retainAcc').toFixed(1)}% ` +
        `(paper ${r.paperDataset}: ${p2.original.retainAcc[0]} -> ${p2.suli.retainAcc[0]}) in ${mean('suli', 'paperSeconds').toFixed(2)} s of updates.`,
    );
  }
  const forgetOnly = methods.filter((m) => m !== 'retrain');
  const zero = forgetOnly.filter((m) => mean(m, 'forgetAcc') === 0);
  notes.push(`Forget accuracy reached 0 for ${zero.length ? zero.map((m) => SULI_METHOD_LABELS[m]).join(', ') : 'no forget-only method'}; paper: NegGrad, Random Label, ADV+IMP, SU and SULI.`);
  // Retain accuracy counts only for a method that forgot: one that did not kept it by not moving.
  const byRetain = [...(zero.length ? zero : forgetOnly)].sort((a, b) => mean(b, 'retainAcc') - mean(a, 'retainAcc'));
  if (byRetain.length) {
    notes.push(
      `Highest retain accuracy among the forget-set-only methods ${zero.length ? 'that took forget accuracy to 0' : '(none took forget accuracy to 0)'}: ${SULI_METHOD_LABELS[byRetain[0]]} (${pct(byRetain[0], 'retainAcc').toFixed(2)}%); paper: SULI. ` +
        `Order here: ${byRetain.map((m) => `${SULI_METHOD_LABELS[m]} ${pct(m, 'retainAcc').toFixed(1)}`).join(', ')}.`,
    );
  }
  const byTime = [...forgetOnly].sort((a, b) => mean(a, 'paperSeconds') - mean(b, 'paperSeconds'));
  if (byTime.length) {
    notes.push(
      `Fastest (update time): ${SULI_METHOD_LABELS[byTime[0]]} (${mean(byTime[0], 'paperSeconds').toFixed(2)} s); paper: SULI (0.93 s). ` +
        `Order here: ${byTime.map((m) => `${SULI_METHOD_LABELS[m]} ${mean(m, 'paperSeconds').toFixed(1)} s`).join(', ')}.`,
    );
  }
  // Read against Retrain, the gold standard, where it ran; else against 0.5.
  const hasRetrain = methods.includes('retrain');
  const miaTarget = hasRetrain ? mean('retrain', 'mia') : 0.5;
  const miaGap = forgetOnly.map((m) => ({ m, gap: Math.abs(mean(m, 'mia') - miaTarget) })).sort((a, b) => a.gap - b.gap);
  if (miaGap.length) {
    notes.push(
      `MIA closest to ${hasRetrain ? `Retrain's ${miaTarget.toFixed(3)}` : '0.5'}: ${miaGap.slice(0, 3).map((x) => `${SULI_METHOD_LABELS[x.m]} ${mean(x.m, 'mia').toFixed(3)}`).join(', ')}; original ${mean('original', 'mia').toFixed(3)} ` +
        `(paper ${r.paperDataset}: original ${PAPER_TABLE4[r.paperDataset].original.class[0]}, SULI ${PAPER_TABLE4[r.paperDataset].suli.class[0]}).`,
    );
  }
  return notes;
}

const gapOf = (r: SuliClassWiseResult): Record<string, Table> => {
  const gap = suliClassGapTable(r);
  return gap ? { gap } : {};
};

/** Tables 2 (with the gap to Retrain), 4 and 5 beside the paper, the radar, and the comparison in sentences. */
export function suliClassWiseOutput(r: SuliClassWiseResult): ExperimentOutput {
  return {
    title: SULI_CLASS_WISE.title,
    meta: [
      `preset ${r.preset}`,
      `${r.setting}; forget class '${r.forgetClass}'`,
      `backend ${r.backend}`,
      `${r.setups.length} seed(s)`,
      `${r.seconds.toFixed(0)} s in all`,
      `paper numbers: ${r.paperDataset} (paper 003)`,
    ],
    result: r,
    tables: { table2: suliTable2(r), ...gapOf(r), table4: suliTable4Class(r), table5: suliTable5Class(r) },
    figures: [{ figure: suliRadar(r), caption: 'Fig. 3 analogue: utility = A_Dr, unlearning = 1 - A_Df, new data = A_Dtr, thoroughness = 1 - 2|MIA - 0.5|, efficiency = fastest / own update time.' }],
    notes: suliClassWiseNotes(r),
  };
}

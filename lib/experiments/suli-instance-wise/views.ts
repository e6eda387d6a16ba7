import { PALETTE, type Figure } from '../../plot/figure';
import { metricLines } from '../../plot/metric-lines';
import { overSeeds, ResultsTable, type Cell, type Table } from '../../results';
import { cellOrNull, meanOrNaN } from '../shared/harness';
import { methodOfLabel, statusLabel } from '../shared/measure';
import type { ExperimentOutput } from '../shared/output';
import { AVG_GAP, ORIGINAL, REFERENCE_LINES, retrainGapRuns, retrainGapTable, RETRAIN } from '../shared/retrain-gap';
import { percent, renderedCell } from '../shared/percent';
import { paperCell, suliLabel } from '../shared/suli-setting';
import { PAPER_TABLE4, PAPER_TABLE5 } from '../shared/suli-paper-numbers';
import { instanceScenario, suliInstanceTable, type SuliInstanceWiseResult } from './run';
import { PAPER_TABLE3, PAPER_TABLE3_COUNTS, SULI_INSTANCE_WISE } from './settings';

/** A cell as rendered (accuracies in %). */
const cellOf = (t: ResultsTable, method: string, n: number, metric: string): Cell => renderedCell(metric, cellOrNull(t, method, instanceScenario(n), metric));

/** Mean of a metric for a method and forget-set size n (NaN when absent). */
export function instanceMean(t: ResultsTable, method: string, n: number, metric: string): number {
  return meanOrNaN(t, method, instanceScenario(n), metric);
}

/** The runs of one result as its table (built from the rows, so results read back from results.json work too). */
const tableOf = (r: Pick<SuliInstanceWiseResult, 'rows'>) => suliInstanceTable(r.rows);

/** The table's method labels: a flagged run keeps its mark ('suli [diverged]') and its own row. */
function methodsOf(r: SuliInstanceWiseResult): string[] {
  return [...new Set(r.rows.map((x) => statusLabel(x.method, x)))];
}

/** Table 3 beside ours: one row per method and n. */
export function suliTable3(r: SuliInstanceWiseResult): Table {
  const paper = PAPER_TABLE3[r.paperDataset];
  const table = tableOf(r);
  const rows: Cell[][] = [];
  for (const n of r.counts) {
    const k = PAPER_TABLE3_COUNTS.indexOf(n);
    for (const m of methodsOf(r)) {
      const p = k >= 0 ? paper[methodOfLabel(m)] : undefined;
      rows.push([
        n,
        suliLabel(m),
        cellOf(table, m, n, 'retainAcc'),
        cellOf(table, m, n, 'forgetAcc'),
        cellOf(table, m, n, 'testAcc'),
        cellOf(table, m, n, 'referenceAcc'),
        p ? p.retainAcc[k] : null,
        p ? p.forgetAcc[k] : null,
        p ? p.testAcc[k] : null,
      ]);
    }
  }
  return {
    title: `Table 3 (instance-wise): ours on ${r.setting} vs paper ${r.paperDataset} (%)`,
    columns: ['n', 'method', 'A_Dr', 'A_Df', 'A_Dtest', 'A_reference', 'paper A_Dr', 'paper A_Df', 'paper A_Dtest'],
    rows,
  };
}

/** Table 4's instance column beside ours (the paper does not say which n; ours per n). */
export function suliTable4Instance(r: SuliInstanceWiseResult): Table {
  const paper = PAPER_TABLE4[r.paperDataset];
  const table = tableOf(r);
  return {
    title: `Table 4 (instance-wise MIA, 10-fold loss attack; ideal 0.5): ours per n vs paper ${r.paperDataset}`,
    columns: ['method', ...r.counts.map((n) => `MIA n=${n}`), 'paper MIA'],
    rows: methodsOf(r).map((m) => [
      suliLabel(m),
      ...r.counts.map((n) => cellOf(table, m, n, 'mia')),
      paperCell(paper[methodOfLabel(m)]?.instance),
    ]),
  };
}

/** Table 5's instance row beside ours: update seconds per n. */
export function suliTable5Instance(r: SuliInstanceWiseResult): Table {
  const table = tableOf(r);
  return {
    title: `Table 5 (instance-wise runtime, s, updates as the paper times them): ours (${r.backend}) per n vs paper (RTX 4070)`,
    columns: ['method', ...r.counts.map((n) => `s n=${n}`), ...r.counts.map((n) => `updates n=${n}`), 'paper seconds'],
    rows: methodsOf(r)
      .filter((m) => m !== 'original')
      .map((m) => [
        suliLabel(m),
        ...r.counts.map((n) => cellOf(table, m, n, 'paperSeconds')),
        ...r.counts.map((n) => cellOf(table, m, n, 'updates')),
        PAPER_TABLE5[methodOfLabel(m)]?.instance ?? null,
      ]),
  };
}

/** The runs of a result for the gap to Retrain: one scenario per n, the MIA as attack accuracy in %. */
function gapRuns(r: Pick<SuliInstanceWiseResult, 'rows'>) {
  return r.rows.map((x) => ({
    method: suliLabel(statusLabel(x.method, x)),
    scenario: instanceScenario(x.n),
    seed: x.seed,
    metrics: { retainAcc: x.retainAcc, forgetAcc: x.forgetAcc, testAcc: x.testAcc, mia: 100 * x.mia },
  }));
}

const GAP_OPTIONS = { reference: suliLabel(RETRAIN), metrics: ['retainAcc', 'forgetAcc', 'testAcc', 'mia'] };

/**
 * Gap to Retrain per n: method - Retrain (trained from scratch without the n forgotten instances) on the
 * same seed and n, in points, and SalUn's Avg. Gap; null without Retrain runs.
 */
export function suliInstanceGapTable(r: Pick<SuliInstanceWiseResult, 'rows'>): Table | null {
  const seeds = new Set(r.rows.map((x) => x.seed)).size;
  return retrainGapTable(gapRuns(r), `Gap to Retrain per n (method - Retrain on the same seed and n, points; MIA as attack accuracy in %) and Avg. Gap, ${overSeeds(seeds)}`, GAP_OPTIONS);
}

/** Test accuracy against n per method (the trend of Table 3's D_test block). */
export function suliInstanceFigure(r: SuliInstanceWiseResult): Figure {
  const ms = methodsOf(r);
  const results = tableOf(r);
  const lines: Table = {
    title: `Test accuracy after instance-wise unlearning vs n (${r.setting})`,
    columns: ['forgotten instances n', ...ms.map((m) => suliLabel(m))],
    rows: r.counts.map((n) => [n, ...ms.map((m) => cellOf(results, m, n, 'testAcc'))]),
  };
  const fig = metricLines(lines, { yTitle: 'A_Dtest (%)', logX: true, bounds: [0, 100] });
  // Original and Retrain drawn as the references they are; the methods take the palette's colours in order
  // (so none gets the palette's grey, which reads as Original).
  let k = 0;
  for (const t of fig.data) {
    const ref = [ORIGINAL, RETRAIN].find((m) => t.name === suliLabel(m));
    const line = ref != null ? REFERENCE_LINES[ref] : { color: PALETTE[k++ % PALETTE.length], width: 2 };
    t.line = line;
    t.error_y = { ...(t.error_y as Record<string, unknown>), color: line.color };
  }
  return fig;
}

/** Sentences comparing our run with the paper, built from the numbers. */
export function suliInstanceWiseNotes(r: SuliInstanceWiseResult): string[] {
  const table = tableOf(r);
  const mean = (m: string, n: number, k: string) => instanceMean(table, m, n, k);
  const pct = (m: string, n: number, k: string) => percent(mean(m, n, k));
  const ms = methodsOf(r).filter((m) => m !== 'original' && m !== RETRAIN);
  const hasRetrain = methodsOf(r).includes(RETRAIN);
  const gapRows = retrainGapRuns(gapRuns(r), GAP_OPTIONS);
  const gaps = gapRows.length > 0 ? ResultsTable.fromRuns(gapRows) : null;
  const notes: string[] = [];
  for (const n of r.counts) {
    const target = mean('original', n, 'referenceAcc');
    const reached = ms.filter((m) => mean(m, n, 'forgetAcc') <= target + 1e-9);
    // Test accuracy counts only for a method that forgot: one that never reached the target kept it by not moving.
    const bestTest = [...reached].sort((a, b) => mean(b, n, 'testAcc') - mean(a, n, 'testAcc'));
    // Read against Retrain where it ran: the closest method by Avg. Gap (mean over seeds).
    const avgGap = (m: string) => (gaps == null ? NaN : meanOrNaN(gaps, suliLabel(m), instanceScenario(n), AVG_GAP));
    const closest = ms.filter((m) => Number.isFinite(avgGap(m))).sort((a, b) => avgGap(a) - avgGap(b));
    const retrain = hasRetrain
      ? `Retrain: forget ${pct(RETRAIN, n, 'forgetAcc').toFixed(1)}%, test ${pct(RETRAIN, n, 'testAcc').toFixed(1)}%, MIA ${mean(RETRAIN, n, 'mia').toFixed(3)}` +
        (closest.length ? `; closest to it (Avg. Gap): ${closest.slice(0, 3).map((m) => `${suliLabel(m)} ${avgGap(m).toFixed(1)}`).join(', ')}, original ${avgGap('original').toFixed(1)}. ` : '. ')
      : '';
    notes.push(
      (`n=${n}: original forget ${pct('original', n, 'forgetAcc').toFixed(1)}% vs reference ${percent(target).toFixed(1)}% (the stop target); ` +
        `reached by ${reached.length ? reached.map(suliLabel).join(', ') : 'none'}. ` +
        (ms.includes('suli') ? `SULI: retain ${pct('suli', n, 'retainAcc').toFixed(2)}, forget ${pct('suli', n, 'forgetAcc').toFixed(2)}, test ${pct('suli', n, 'testAcc').toFixed(2)}. ` : '') +
        (bestTest.length ? `Best test accuracy of those that reached it: ${suliLabel(bestTest[0])} ${pct(bestTest[0], n, 'testAcc').toFixed(2)} (paper: SULI at every n). ` : '') +
        retrain).trimEnd(),
    );
  }
  return notes;
}

const gapOf = (r: SuliInstanceWiseResult): Record<string, Table> => {
  const gap = suliInstanceGapTable(r);
  return gap ? { gap } : {};
};

/** Tables 3 (with the gap to Retrain), 4 and 5 beside the paper, test accuracy against n, and the comparison in sentences. */
export function suliInstanceWiseOutput(r: SuliInstanceWiseResult): ExperimentOutput {
  return {
    title: SULI_INSTANCE_WISE.title,
    meta: [
      `preset ${r.preset}`,
      `${r.setting}; n = ${r.counts.join(', ')}; 1 % per-class reference set held out of training`,
      `backend ${r.backend}`,
      `${new Set(r.rows.map((x) => x.seed)).size} seed(s)`,
      `${r.seconds.toFixed(0)} s in all`,
      `paper numbers: ${r.paperDataset} (paper 003)`,
    ],
    result: r,
    tables: { table3: suliTable3(r), ...gapOf(r), table4: suliTable4Instance(r), table5: suliTable5Instance(r) },
    figures: [{ figure: suliInstanceFigure(r), caption: 'A_Dtest against the number of forgotten instances (log axis); bars: 95% CI over seeds, cut at 0 and 100 %.' }],
    notes: suliInstanceWiseNotes(r),
  };
}

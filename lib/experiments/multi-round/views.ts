import { PALETTE, type Figure } from '../../plot/figure';
import { roundLinePanels, type RoundSeries } from '../../plot/round-lines';
import type { Cell, ResultsTable, Table } from '../../results';
import { acceleratedBaseOf } from '../../unlearn';
import { cellOrNull, meanOrNaN } from '../shared/harness';
import { methodOfLabel, statusLabel } from '../shared/measure';
import type { ExperimentOutput } from '../shared/output';
import { PERCENT_SCALE, percent, renderedCell } from '../shared/percent';
import { MIA_IDEAL_LINE, ORIGINAL, readingNotes, REFERENCE_LINES, REFERENCE_ROW_COLOURS, RETRAIN, retrainGapTable } from '../shared/retrain-gap';
import { multiRoundLabel, multiRoundRuns, multiRoundTable, type MultiRoundResult } from './run';
import { MULTI_ROUND, PAPER_FIG4 } from './settings';
import { overSeeds } from '../../results';

/** The runs of one result as its table (built from the rows, so results read back from results.json work too). */
const tableOf = (r: Pick<MultiRoundResult, 'rows' | 'originals'>) => multiRoundTable(r.rows, r.originals ?? []);

/** The original model's line: grey and dotted, apart from every method's colour. */
const ORIGINAL_LINE = REFERENCE_LINES[ORIGINAL];

export const MULTI_ROUND_METRICS: [metric: string, title: string][] = [
  ['testAcc', 'Test accuracy (%)'],
  ['retainAcc', 'Retain accuracy (%)'],
  ['forgetAcc', 'Forget accuracy (%)'],
  ['mia', 'MIA score'],
  ['seconds', 'Time per round (s, Blend included)'],
];

/**
 * Fig. 4: one figure per metric, one line per method over the rounds, in one panel per method and its A-AMU
 * version; a method keeps its colour, solid without Blend and dashed with Blend, with 95% CI bars. Every
 * panel has the original model (where the result has it) grey dotted and Retrain (where run) near-black;
 * the MIA figure has the ideal score of 50 dashed.
 */
export function multiRoundFigures(r: MultiRoundResult): Record<string, Figure> {
  const rounds = [...new Set(r.rows.map((x) => x.round))].sort((a, b) => a - b);
  // Table labels: a flagged run keeps its mark ('a-cf [diverged]') and its own line.
  const labels = [...new Set([...(r.originals ?? []).map((x) => statusLabel(ORIGINAL, x)), ...r.rows.map((x) => statusLabel(multiRoundLabel(x.method, x.blend), x))])];
  const methods = [...new Set(r.rows.map((x) => x.method))];
  const methodOf = (label: string) => methodOfLabel(label).replace(/\+blend$/, '');
  // One panel per method and its A-AMU version (CF with A-CF, ...), each with Original and Retrain: 15 lines
  // with CIs in one chart hide each other.
  const family = (m: string) => acceleratedBaseOf(m) ?? m;
  const families = [...new Set(methods.filter((m) => m !== RETRAIN).map(family))];
  const panels = (families.length > 0 ? families : [RETRAIN]).map((f) => {
    const members = methods.filter((m) => m !== RETRAIN && family(m) === f);
    return { title: members.join(' and ') || f, labels: labels.filter((l) => [ORIGINAL, RETRAIN].includes(methodOf(l)) || family(methodOf(l)) === f) };
  });
  const figs: Record<string, Figure> = {};
  const table = tableOf(r);
  for (const [metric, title] of MULTI_ROUND_METRICS) {
    const seriesOf = (l: string): RoundSeries => {
      // A series has the rounds it has runs for (a run flagged in one round only is a one-point series).
      const points = rounds.flatMap((k) => {
        const c = renderedCell(metric, cellOrNull(table, l, `round ${k}`, metric));
        return c == null ? [] : [{ k, c }];
      });
      const ci = points.map(({ c }) => (Number.isFinite(c.ci) ? c.ci : 0));
      return { name: l, rounds: points.map((p) => p.k), values: points.map((p) => p.c.mean), ...(ci.some((v) => v > 0) ? { ci } : {}) };
    };
    // The original has no times: no line in the time figure.
    const fig = roundLinePanels(
      panels.map((p) => ({ title: p.title, series: p.labels.map(seriesOf).filter((x) => x.values.length > 0) })).filter((p) => p.series.length > 0),
      { title: `${title}: solid without Blend, dashed with Blend; mean +- 95% CI over seeds`, yTitle: title, xTitle: 'round', ...(metric === 'mia' ? { references: [MIA_IDEAL_LINE] } : {}), bounds: metric === 'seconds' ? [0, Infinity] : [0, 100] },
    );
    for (const t of fig.data) {
      const name = String(t.name ?? '');
      if (t.mode !== 'lines+markers') continue;
      const label = methodOfLabel(name);
      const method = methodOf(name);
      // Original grey dotted, Retrain (the target) in the dot plots' near-black, the other methods in palette colours.
      const colour = method === ORIGINAL ? ORIGINAL_LINE.color : method === RETRAIN ? REFERENCE_ROW_COLOURS[RETRAIN] : PALETTE[methods.filter((m) => m !== RETRAIN).indexOf(method) % PALETTE.length];
      t.line = method === ORIGINAL ? ORIGINAL_LINE : { color: colour, width: 2, ...(label.endsWith('+blend') ? { dash: 'dash' } : {}) };
      if (t.error_y != null) t.error_y = { ...(t.error_y as Record<string, unknown>), color: colour };
    }
    figs[metric] = fig;
  }
  return figs;
}

/** Ours beside every number the paper's text gives for Fig. 4 (Sec. 4.5). */
export function multiRoundPaperComparison(r: MultiRoundResult): Table {
  const last = Math.max(...r.rows.map((x) => x.round));
  const table = tableOf(r);
  const m = (method: string, round: number, metric: string) => meanOrNaN(table, method, `round ${round}`, metric);
  const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
  const rows: [string, number, number | string][] = [
    ['round 0: CF time / A-CF time', ratio(m('cf', 0, 'seconds'), m('a-cf', 0, 'seconds')), PAPER_FIG4.aCfSpeedup],
    ['round 0: SCRUB time / A-SCRUB time', ratio(m('scrub', 0, 'seconds'), m('a-scrub', 0, 'seconds')), PAPER_FIG4.aScrubSpeedup],
    ['round 0: A-CF+Blend time / A-CF time', ratio(m('a-cf+blend', 0, 'seconds'), m('a-cf', 0, 'seconds')), PAPER_FIG4.round0.aCfBlendSeconds / PAPER_FIG4.round0.aCfSeconds],
    [`A-CF+Blend time drop, round 0 -> ${last}`, 1 - ratio(m('a-cf+blend', last, 'seconds'), m('a-cf+blend', 0, 'seconds')), PAPER_FIG4.aCfBlendTimeDrop],
    ['CF time cut by Blend (mean over rounds)', 1 - ratio(meanOverRounds(table, 'cf+blend', 'seconds'), meanOverRounds(table, 'cf', 'seconds')), `${PAPER_FIG4.cfBlendTimeCut[0]}-${PAPER_FIG4.cfBlendTimeCut[1]}`],
    ['SCRUB test acc, round 0', percent(m('scrub', 0, 'testAcc')), PAPER_FIG4.scrubTestAcc.fullFirst],
    [`SCRUB test acc, round ${last}`, percent(m('scrub', last, 'testAcc')), PAPER_FIG4.scrubTestAcc.fullLast],
    [`SCRUB+Blend test acc, round ${last}`, percent(m('scrub+blend', last, 'testAcc')), PAPER_FIG4.scrubTestAcc.blend],
    ['SCRUB MIA, round 0', m('scrub', 0, 'mia'), PAPER_FIG4.scrubMiaRound0.full],
    ['SCRUB+Blend MIA, round 0', m('scrub+blend', 0, 'mia'), PAPER_FIG4.scrubMiaRound0.blend],
    ['Blend overhead in round 0 (s)', meanBlendRound0(r), PAPER_FIG4.blendOverheadSeconds],
  ];
  return {
    title: 'Ours beside the numbers in the paper\'s text for Fig. 4 (ResNet-18 / CINIC-10 on a laptop GPU)',
    columns: ['quantity', 'ours', 'paper'],
    rows: rows.map(([q, ours, paper]): Cell[] => [q, Number.isFinite(ours) ? ours : null, paper]),
  };
}

function meanOverRounds(table: ResultsTable, method: string, metric: string): number {
  const v = table.rows.filter((x) => x.method === method).map((x) => x.cells[metric]?.mean ?? NaN);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

function meanBlendRound0(r: MultiRoundResult): number {
  const v = r.reductions.filter((x) => x.round === 0 && Number.isFinite(x.ratio)).map((x) => (x.timing.kmeans ?? 0) + (x.timing.condensation ?? 0));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

export function reductionTable(r: MultiRoundResult): Table {
  return {
    title: 'Retain set per round: real size, Blend-reduced size and ratio, Blend phase times (s)',
    columns: ['seed', 'round', 'forget', 'cumulative forget', 'retain', 'reduced', 'ratio', 'kmeans', 'sampling', 'condensation'],
    rows: r.reductions.map((x) => [x.seed, x.round, x.forget, x.cumulativeForget, x.retain, Number.isFinite(x.reduced) ? x.reduced : null, Number.isFinite(x.ratio) ? x.ratio : null, x.timing.kmeans ?? null, x.timing.sampling ?? null, x.timing.condensation ?? null]),
  };
}

const TABLE_METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'seconds', 'unlearnSeconds', 'blendSeconds'];

/** The per-round table, the reductions, the paper's numbers beside ours, and Fig. 4. */
export function multiRoundOutput(r: MultiRoundResult): ExperimentOutput {
  const figs = multiRoundFigures(r);
  const n = new Set(r.rows.map((x) => x.seed)).size;
  const table = tableOf(r);
  const gap = retrainGapTable(multiRoundRuns(r.rows, r.originals ?? []), `Gap to Retrain per round (method - Retrain on the same seed and round, points) and Avg. Gap (mean |gap| over the four), ${overSeeds(n)}`);
  return {
    title: MULTI_ROUND.title,
    meta: [`preset ${r.preset}`, `backend ${r.backend}`, `${n} seed(s)`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables: {
      rounds: table.view({ metrics: TABLE_METRICS.filter((m) => table.metrics.includes(m)), scale: PERCENT_SCALE, title: `Per round (${overSeeds(n)}); seconds = unlearning + Blend (k-means in round 0)` }),
      ...(gap ? { 'gap-to-retrain': gap } : {}),
      reduction: reductionTable(r),
      'paper-comparison': multiRoundPaperComparison(r),
    },
    figures: Object.entries(figs).map(([name, figure]) => ({ figure, caption: name })),
    notes: [
      'Each method continues from its own previous-round output (SCRUB/A-SCRUB: also as teacher). The reference saved the A-SCRUB model ' +
        "as CF's checkpoint (multiround_unlearn.py), so its CF rounds >= 1 started from A-SCRUB's output; that bug is not copied. " +
        "The reference's A-SCRUB used the full retain set in the Blend variant; here every method uses the reduced set with Blend.",
      'Forget accuracy and MIA use only the samples newly forgotten in that round; retain accuracy the real retain set left after it; the original model is measured on the same sets.',
      ...readingNotes({ hasGap: gap != null, hasOriginal: (r.originals ?? []).length > 0 }),
    ],
  };
}

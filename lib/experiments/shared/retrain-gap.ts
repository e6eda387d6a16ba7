import { ResultsTable, type RunRecord, type Table } from '../../results';
import type { DotPlotReference } from '../../plot/dot-plot';
import type { HorizontalReference } from '../../plot/figure';
import { PERCENT_SCALE } from './percent';

// Unlearning results are read against two rows: Original (the model before unlearning, measured on the
// same scenario: what doing nothing gives) and Retrain (retrained from scratch on the retain set: the
// target). This file holds the names of those rows, the gap to Retrain and SalUn's "Avg. Gap", and the
// sentences every table with MIA scores carries.

/** The table label of the original model's row. */
export const ORIGINAL = 'original';
/** The table label of Retrain's row (the 'retrain' method on the full retain set). */
export const RETRAIN = 'retrain';

/** The metrics the gap is taken on and Avg. Gap averages (the Blend/A-AMU tables' four). */
export const GAP_METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'mia'] as const;

/** The column of a metric's gap to Retrain ('mia' -> 'mia gap'), and of SalUn's average. */
export const gapColumn = (metric: string) => `${metric} gap`;
export const AVG_GAP = 'Avg. Gap';

/** The MIA score (AUC x 100) an attack that cannot tell forget from test samples gets: the ideal. */
export const MIA_IDEAL = 50;

/** Said once under every table and figure with MIA scores. */
export const MIA_NOTE =
  `MIA score: ${MIA_IDEAL} is the ideal (the attack cannot tell forget samples from test samples; the dashed line in the figures). ` +
  "An MIA below 50, or below Retrain's, is not better: it is a different state an attacker can detect too. What counts is the distance to Retrain's MIA.";

/** How to read the Original and Retrain rows and the gap tables. */
export const GAP_NOTE =
  'Every method is read against Retrain (retrained from scratch on the retain set: the target) and Original (the model before unlearning: what doing nothing gives). ' +
  'Gap to Retrain = method - Retrain on the same seed, in points (accuracies in %, the MIA score as it is); ' +
  `${AVG_GAP} (SalUn) = the mean of |gap| over retain, forget and test accuracy and the MIA score, on each seed, then mean +- 95% CI over seeds. ` +
  `Retrain's ${AVG_GAP} is 0; a method whose ${AVG_GAP} exceeds Original's ends further from Retrain than not unlearning at all.`;

/** Said where a result has no Retrain run to take gaps to. */
export const NO_RETRAIN_NOTE = "No Retrain run in this result, so no gap to Retrain: the methods are read against Original only. Run 'retrain' too (e.g. add it to --methods) for Retrain rows and the gap tables.";

/** The reading notes of a result: the gap (or why there is none), the MIA's ideal, and a missing Original. */
export function readingNotes(o: { hasGap: boolean; hasOriginal: boolean }): string[] {
  return [o.hasGap ? GAP_NOTE : NO_RETRAIN_NOTE, MIA_NOTE, ...(o.hasOriginal ? [] : [NO_ORIGINAL_NOTE])];
}

/** Said where a result has no Original rows (results.json written before they were measured). */
export const NO_ORIGINAL_NOTE = 'This result has no Original rows: it was written before the original model was measured on each scenario; run the experiment again to get them.';

/**
 * Runs ordered for reading: Original first, Retrain second (each with any status mark, e.g. 'retrain
 * [diverged]'), then the others in the order given.
 */
export function referencesFirst<T extends { method: string }>(runs: readonly T[]): T[] {
  const rank = (m: string) => (m === ORIGINAL || m.startsWith(`${ORIGINAL} [`) ? 0 : m === RETRAIN || m.startsWith(`${RETRAIN} [`) ? 1 : 2);
  return runs.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r.method) - rank(b.r.method) || a.i - b.i).map((x) => x.r);
}

/**
 * Each run's gap to Retrain's run on the same scenario and seed, per metric (method - Retrain, in
 * rendered points: accuracies x 100, the MIA score as it is), and Avg. Gap (mean |gap| over the
 * metrics; only where the run has them all). A run whose scenario and seed have no healthy Retrain run
 * (label exactly `reference`; a flagged 'retrain [diverged]' is no target) has no gap.
 */
export function retrainGapRuns(runs: readonly RunRecord[], o: { reference?: string; metrics?: readonly string[] } = {}): RunRecord[] {
  const reference = o.reference ?? RETRAIN;
  const metrics = o.metrics ?? GAP_METRICS;
  const key = (r: RunRecord) => JSON.stringify([r.scenario, String(r.seed)]);
  const refs = new Map(runs.filter((r) => r.method === reference).map((r) => [key(r), r]));
  return runs.flatMap((r): RunRecord[] => {
    const ref = refs.get(key(r));
    if (ref == null) return [];
    const gaps: Record<string, number> = {};
    const abs: number[] = [];
    for (const m of metrics) {
      const a = r.metrics[m];
      const b = ref.metrics[m];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      const g = (PERCENT_SCALE[m] ?? 1) * (a - b);
      gaps[gapColumn(m)] = g;
      abs.push(Math.abs(g));
    }
    if (abs.length === metrics.length) gaps[AVG_GAP] = abs.reduce((s, x) => s + x, 0) / abs.length;
    return Object.keys(gaps).length > 0 ? [{ method: r.method, scenario: r.scenario, seed: r.seed, metrics: gaps }] : [];
  });
}

/**
 * The gap table (columns scenario, method, one gap per metric, Avg. Gap; mean +- 95% CI over seeds), or
 * null when no run has a Retrain run to be read against.
 */
export function retrainGapTable(runs: readonly RunRecord[], title: string, o: { reference?: string; metrics?: readonly string[] } = {}): Table | null {
  const gaps = retrainGapRuns(runs, o);
  if (gaps.length === 0) return null;
  const table = ResultsTable.fromRuns(gaps);
  const columns = [...(o.metrics ?? GAP_METRICS).map(gapColumn), AVG_GAP].filter((c) => table.metrics.includes(c));
  return table.view({ metrics: columns, title });
}

/** The mean of a row's metric in a rendering table ({mean, ci} or number cells), or null. */
function meanOf(t: Table, label: string, metric: string, labelColumn: string): number | null {
  const li = t.columns.indexOf(labelColumn);
  const j = t.columns.indexOf(metric);
  const row = t.rows.find((r) => r[li] === label);
  const c = row?.[j];
  return typeof c === 'number' ? c : c != null && typeof c === 'object' ? c.mean : null;
}

/**
 * The dot plot's dashed lines: Retrain's value in each panel (where the table has a Retrain row), and
 * the ideal MIA score in the 'mia' panel.
 */
export function readingReferences(t: Table, metrics: readonly string[], labelColumn = 'method'): Record<string, DotPlotReference[]> {
  const out: Record<string, DotPlotReference[]> = {};
  for (const m of metrics) {
    const retrain = meanOf(t, RETRAIN, m, labelColumn);
    const ideal = IDEAL_VALUES[m];
    out[m] = [...(retrain != null && Number.isFinite(retrain) ? [{ name: 'Retrain', x: retrain }] : []), ...(ideal != null ? [{ name: `ideal ${ideal}`, x: ideal }] : [])];
  }
  return out;
}

/** The value of a perfectly private model, per attack metric: chance. */
const IDEAL_VALUES: Record<string, number> = { mia: MIA_IDEAL, miaLoss: MIA_IDEAL, attackAuc: 0.5 };

/** The ideal MIA line of a chart whose y axis holds MIA scores (AUC x 100). */
export const MIA_IDEAL_LINE: HorizontalReference = { name: `ideal MIA score ${MIA_IDEAL}`, y: MIA_IDEAL };

/** Dot colours of the reference rows: Original and Retrain in greys, so the methods stand out. */
export const REFERENCE_ROW_COLOURS: Record<string, string> = { [ORIGINAL]: '#9a9a9a', [RETRAIN]: '#222222' };

/** Line styles of the reference rows in line charts: Original grey dotted, Retrain near-black, so neither hides under a method's colour. */
export const REFERENCE_LINES: Record<string, { color: string; width: number; dash?: string }> = {
  [ORIGINAL]: { color: '#7a7a7a', width: 2, dash: 'dot' },
  [RETRAIN]: { color: REFERENCE_ROW_COLOURS[RETRAIN], width: 2.5 },
};

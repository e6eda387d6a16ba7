import type { MeanCi } from '../../results';

// Accuracies are fractions in [0, 1] wherever results are kept (result rows, ResultsTable, results.json),
// as accuracy() and accuracyOf() measure them. Only what is rendered (tables, figures, sentences, log
// lines) shows them in percent, as the papers print them; the papers' own numbers stay in percent, as
// published (the PAPER_* constants), and are compared with ours in the rendered tables. This file is the
// one place where a fraction becomes a percent.

/** Every accuracy metric the experiments record, as fractions (PERCENT_SCALE renders them in percent). */
export const ACCURACY_METRICS = [
  'retainAcc',
  'forgetAcc',
  'testAcc',
  'finalTestAcc',
  'freeRetainAcc',
  'residualRetainAcc',
  'testRetainAcc',
  'testForgetAcc',
  'referenceAcc',
  'originalTestAcc',
] as const;

/** A fraction as a percent, for a rendered number. */
export const percent = (fraction: number): number => 100 * fraction;

/** The ResultsTable.view scale that renders every accuracy in percent and other metrics as they are. */
export const PERCENT_SCALE: Readonly<Record<string, number>> = Object.fromEntries(ACCURACY_METRICS.map((m) => [m, 100]));

/** A results-table cell of `metric` as it is rendered (accuracies in percent); null stays null. */
export function renderedCell(metric: string, c: MeanCi | null): MeanCi | null {
  const s = PERCENT_SCALE[metric] ?? 1;
  return c == null || s === 1 ? c : { mean: c.mean * s, ci: c.ci * s, n: c.n };
}

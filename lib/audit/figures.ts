import { tprAtFpr, rocCurve } from '../metrics/roc';
import { colourFor, type Figure } from '../plot/figure';
import { lossHistogramPanels } from '../plot/loss-histogram-panels';
import { metricLines } from '../plot/metric-lines';
import { rocCurves, type RocCurve } from '../plot/roc';
import type { UnlearnEpoch } from '../unlearn/contract';
import type { Audit } from './audit';
import { formatBootstrapCi } from './bootstrap';
import type { ErrorCurve } from './error-curves';
import type { MiaSuiteResult } from './mia-suite';
import { scoreAccuracy } from './scores';

/**
 * The starting kit's three panels: forget vs test loss histograms of the original, the method and
 * Retrain, each titled with its MIA score (the paper's logit-AUC; with its bootstrap CI when a suite is given).
 */
export function auditLossFigure(a: Audit, suite?: MiaSuiteResult): Figure {
  const paperRow = suite?.rows.find((r) => r.attack.startsWith('logit-AUC'));
  return lossHistogramPanels(
    a.models.map((m) => ({
      title: `${m}: MIA ${paperRow ? formatBootstrapCi(paperRow.byModel[m]) : a.mia[m].toFixed(1)}`,
      groups: { forget: a.scores[m].forget.loss, test: a.scores[m].test.loss },
    })),
    // Log density: nearly every memorised sample sits in the first bin, and the tail is where members and non-members differ.
    { title: `Per-sample loss, forget vs test: original | ${a.method} | Retrain (MIA = logit-AUC x 100, 50 = chance)`, logY: true },
  );
}

/** ROC curves of every attack of the suite on one model (log-log), each named with its AUC and TPR at 0.1% and 1% FPR. */
export function attackRocFigure(s: MiaSuiteResult, model: string): Figure {
  const sets = s.rocScores[model];
  if (sets == null) throw new Error(`attackRocFigure: no model '${model}' in the suite; choose one of: ${s.models.join(', ')}.`);
  const curves: RocCurve[] = sets.map((a) => {
    const roc = rocCurve(a.scores, a.labels);
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    return { name: `${a.attack}: TPR ${pct(tprAtFpr(roc, 0.001))} @0.1%, ${pct(tprAtFpr(roc, 0.01))} @1% FPR`, fpr: roc.fpr, tpr: roc.tpr, auc: roc.auc };
  });
  // With n test samples the smallest non-zero FPR is 1/n: draw from there.
  const fig = rocCurves(curves, { title: `Membership attacks on ${model}: forget (members) vs test`, floor: Math.min(1e-3, 1 / s.testSize) });
  // One legend line per attack under the axis title.
  return { ...fig, layout: { ...fig.layout, legend: { orientation: 'h', y: -0.22 }, height: 420 + 22 * curves.length, margin: { ...(fig.layout.margin as object), b: 60 + 22 * curves.length } } };
}

/**
 * Forget / retain / test error (%) against optimiser steps while the method ran (errorCurve's probe), as
 * SCRUB's notebooks plot them; with an audit, Retrain's forget error is drawn dashed (where forget error should end).
 */
export function errorCurveFigure(c: ErrorCurve, method: string, audit?: Audit): Figure {
  if (c.points.length === 0) throw new Error(`errorCurveFigure: the error curve of ${method} has no points; pass errorCurve.probe as inputs.probe to the method's run.`);
  const retrainForget = audit != null && c.sets.includes('forget') ? 100 * (1 - scoreAccuracy(audit.scores.retrain.forget)) : null;
  const fig = metricLines(
    { title: `${method}: error during unlearning`, columns: ['optimiser steps', ...c.sets.map((s) => `${s} error`)], rows: c.points.map((p) => [p.steps, ...c.sets.map((s) => p.error[s])]) },
    { xColumn: 'optimiser steps', yTitle: 'error (%)', references: retrainForget == null ? [] : [{ name: 'Retrain forget error', y: retrainForget }] },
  );
  // forget / retain / test keep their colours of every other figure.
  return { ...fig, data: fig.data.map((d, i) => ({ ...d, line: { ...(d.line as object), color: colourFor(c.sets[i], i) } })) };
}

/** The method's own per-epoch history: its loss and every per-epoch number it records (UnlearnResult.history). */
export function historyFigure(history: UnlearnEpoch[], method: string): Figure {
  if (history.length === 0) throw new Error(`historyFigure: ${method} returned an empty history; nothing to plot.`);
  const named = [...new Set(history.flatMap((h) => Object.keys(h.extra ?? {})))].filter((k) => /loss|accuracy/i.test(k));
  // The training loop records its main pass's loss twice (as the loss and as e.g. retainLoss): one line,
  // named both ways, instead of two lines drawn on top of each other.
  const same = named.filter((k) => history.every((h) => h.extra?.[k] === h.loss));
  const extras = named.filter((k) => !same.includes(k));
  const lossName = same.length > 0 ? `loss (${same.join(', ')})` : 'loss';
  return metricLines(
    { title: `${method}: per-epoch history`, columns: ['epoch', lossName, ...extras], rows: history.map((h) => [h.epoch, h.loss, ...extras.map((k) => h.extra?.[k] ?? null)]) },
    { xColumn: 'epoch', yTitle: 'value' },
  );
}

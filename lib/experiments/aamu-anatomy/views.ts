import { lossDensity } from '../../plot/loss-density';
import { lossHistogram } from '../../plot/loss-histogram';
import { metricLines } from '../../plot/metric-lines';
import { probitLossDistribution } from '../../plot/probit';
import { roundLines } from '../../plot/round-lines';
import type { Figure } from '../../plot/figure';
import type { Cell, Table } from '../../results';
import type { ExperimentOutput } from '../shared/output';
import { statusLabel } from '../shared/measure';
import { MIA_IDEAL_LINE } from '../shared/retrain-gap';
import { percent, renderedCell } from '../shared/percent';
import type { AnatomySet, AnatomySteps } from './regulariser-anatomy';
import type { AamuAnatomyResult } from './run';
import { summariseTraces, type TimeToRetrainSummary } from './time-to-retrain';
import { AAMU_ANATOMY, PAPER_AAMU } from './settings';
import { overSeeds } from '../../results';

function stats(v: number[]): [number, number, number, number] {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  return [mean, sd, Math.min(...v), Math.max(...v)];
}

/** Mean, sd, min and max of forget and test values at every stage of the regulariser. */
export function anatomyTable(a: AnatomySteps): Table {
  const stages: [string, keyof AnatomySet][] = [['CE loss', 'loss'], ['log(1 + CE)', 'log1p'], ['smoothed CDF', 'cdf'], ['z = probit(CDF)', 'z'], ['z, paper formula (no ReLU)', 'zPaper']];
  const rows: Cell[][] = [];
  for (const [label, key] of stages) {
    for (const [set, values] of [['forget', a.forget[key]], ['test', a.test[key]]] as const) rows.push([label, set, values.length, ...stats(values)]);
  }
  return { title: `A-AMU regulariser step by step on the original model (k = ${a.k}, sigma = ${a.sigma}; MMD^2 = ${a.mmd.toFixed(4)}, paper formula ${a.mmdPaper.toFixed(4)})`, columns: ['stage', 'set', 'n', 'mean', 'sd', 'min', 'max'], rows };
}

export function modelsTable(r: AamuAnatomyResult): Table {
  return {
    title: 'Original, CF and A-CF (10% uniform forgetting): accuracies (%), MIA score, regulariser value, time (s)',
    columns: ['model', 'retainAcc', 'forgetAcc', 'testAcc', 'mia', 'mmd', 'seconds'],
    rows: r.models.map((m) => [m.name, percent(m.retainAcc), percent(m.forgetAcc), percent(m.testAcc), m.mia, m.mmd, m.seconds]),
  };
}

function fractionText(f: number): string {
  return f === 1 ? '1 epoch' : `${f} of an epoch`;
}

export function sweepTable(r: AamuAnatomyResult, parameter: 'k' | 'lambda'): Table {
  return {
    title: `A-CF with ${parameter} varied (${parameter === 'k' ? `lambda = ${PAPER_AAMU.lambda}` : `k = ${PAPER_AAMU.k}`}; ${fractionText(r.sweep[0]?.fraction ?? 1)})`,
    columns: [parameter, 'mia', 'forgetAcc', 'testAcc', 'retainAcc', 'seconds'],
    rows: r.sweep.filter((x) => x.parameter === parameter).map((x) => [x.value, x.mia, percent(x.forgetAcc), percent(x.testAcc), percent(x.retainAcc), x.seconds]),
  };
}

export function speedTable(r: AamuAnatomyResult): Table {
  const sp = r.speed;
  return {
    title: `A-CF stopped early vs CF's final MIA ${sp.cfMia.toFixed(2)} (+- ${sp.tolerance}) after ${sp.cfSeconds.toFixed(1)} s`,
    columns: ['fraction of epoch', 'steps', 'seconds', 'mia', 'forgetAcc', 'testAcc', 'cf final mia', 'within tolerance', 'cf seconds / seconds'],
    rows: sp.checkpoints.map((c) => [c.fraction, c.steps, c.seconds, c.mia, percent(c.forgetAcc), percent(c.testAcc), sp.cfMia, Math.abs(c.mia - sp.cfMia) <= sp.tolerance ? 'yes' : 'no', sp.cfSeconds / c.seconds]),
  };
}

/**
 * The summary over seeds, rebuilt from the stored traces (results.json keeps the raw probes; a stored
 * MeanCi's NaN half-width does not survive JSON).
 */
function traceSummary(r: AamuAnatomyResult): TimeToRetrainSummary {
  return summariseTraces(r.traces, r.timeToRetrain.tolerance);
}

/**
 * Time to Retrain's end state (mean ± 95% CI over seeds): Original and Retrain rows, then each traced
 * method's time to come within the tolerance of Retrain's MIA (over the seeds that got there) and where
 * its budget ended. Read against Retrain: an MIA below Retrain's (or below 50) is not better.
 */
export function timeToRetrainTable(r: AamuAnatomyResult): Table {
  const t = traceSummary(r);
  const n = r.traces.length;
  const rows: Cell[][] = [
    ['original', null, null, null, null, t.original.mia, renderedCell('forgetAcc', t.original.forgetAcc), null],
    ['retrain (target)', `${n}/${n}`, t.retrain.seconds, null, renderedCell('testAcc', t.retrain.testAcc), t.retrain.mia, renderedCell('forgetAcc', t.retrain.forgetAcc), t.retrain.seconds],
    ...t.rows.map((x): Cell[] => [x.method, `${x.reached}/${x.seeds}`, x.seconds, x.steps, x.testAccAtReach ? renderedCell('testAcc', x.testAccAtReach) : null, x.finalMia, renderedCell('forgetAcc', x.finalForgetAcc), x.budgetSeconds]),
  ];
  return {
    title: `Time to Retrain's MIA (within ${t.tolerance} points at two probes in a row), ${overSeeds(n)}; probe time excluded`,
    columns: ['method', 'reached', 'seconds to reach', 'steps to reach', 'testAcc when reached', 'mia at budget end', 'forgetAcc at budget end', 'budget seconds'],
    rows,
  };
}

/** CF / A-CF: the paper's "about 7.5x" (Table 1 times), ours measured to Retrain's MIA and to CF's final forget accuracy. */
export function speedupTable(r: AamuAnatomyResult): Table {
  const t = traceSummary(r);
  return {
    title: 'CF time / A-CF time, mean ± 95% CI over the seeds where both reached the target',
    columns: ['target', 'ours', 'paper (Table 1 time columns)'],
    rows: [
      ["Retrain's MIA ± tolerance", t.ratioToRetrainMia, PAPER_AAMU.speedupUniform],
      ["CF's final forget accuracy", t.ratioToCfForgetAcc, PAPER_AAMU.speedupUniform],
    ],
  };
}

/** MIA (or forget accuracy) against the method's own seconds, seed 0, with Retrain's value and the ideal 50. */
function traceFigure(r: AamuAnatomyResult, what: 'mia' | 'forgetAcc'): Figure {
  const st = r.traces[0];
  const scale = what === 'mia' ? 1 : 100;
  const retrain = what === 'mia' ? st.retrain.mia : percent(st.retrain.forgetAcc);
  return roundLines(
    st.traces.map((m) => ({ name: m.method, rounds: m.points.map((p) => p.seconds), values: m.points.map((p) => scale * p[what]) })),
    {
      title: what === 'mia' ? `MIA score during unlearning (seed ${st.seed}): Retrain's ${retrain.toFixed(1)} is the target; below it is not better` : `Forget accuracy during unlearning (seed ${st.seed})`,
      xTitle: 'unlearning seconds (probe time excluded)',
      yTitle: what === 'mia' ? 'MIA score' : 'forget accuracy (%)',
      continuousX: true,
      references: what === 'mia' ? [{ name: `retrain ${retrain.toFixed(1)}`, y: retrain }, { name: 'ideal 50', y: 50 }] : [{ name: `retrain ${retrain.toFixed(1)}`, y: retrain }],
    },
  );
}

/** Ours beside Table 1 of the paper (ResNet-18 / CIFAR-10, uniform 10%, full retain set) and the speed-up. */
export function aamuPaperComparison(r: AamuAnatomyResult): Table {
  const cf = r.models.find((m) => m.name === 'cf')!;
  const a = r.models.find((m) => m.name === 'a-cf')!;
  const pc = PAPER_AAMU.table1.uniform.cf;
  const pa = PAPER_AAMU.table1.uniform.aCf;
  const rows: Cell[][] = [
    [statusLabel('CF', cf), cf.mia, pc.mia, percent(cf.retainAcc), pc.retainAcc, percent(cf.forgetAcc), pc.forgetAcc, percent(cf.testAcc), pc.testAcc, cf.seconds, pc.seconds],
    [statusLabel('A-CF', a), a.mia, pa.mia, percent(a.retainAcc), pa.retainAcc, percent(a.forgetAcc), pa.forgetAcc, percent(a.testAcc), pa.testAcc, a.seconds, pa.seconds],
    ['CF / A-CF time (full epoch)', null, null, null, null, null, null, null, null, r.speed.fullRatio, PAPER_AAMU.speedupUniform],
    ['CF / A-CF time to CF\'s MIA', null, null, null, null, null, null, null, null, Number.isFinite(r.speed.ratio) ? r.speed.ratio : null, PAPER_AAMU.speedupUniform],
  ];
  return {
    title: 'Ours beside the paper (Table 1: ResNet-18 / CIFAR-10, 10% uniform, full retain set; GPU seconds)',
    columns: ['method', 'mia', 'paper mia', 'retainAcc', 'paper retainAcc', 'forgetAcc', 'paper forgetAcc', 'testAcc', 'paper testAcc', 'seconds', 'paper seconds'],
    rows,
  };
}

/** One sentence per finding: what agrees with the paper and what does not (built from the numbers). */
export function aamuComparisonText(r: AamuAnatomyResult): string[] {
  const cf = r.models.find((m) => m.name === 'cf')!;
  const a = r.models.find((m) => m.name === 'a-cf')!;
  const sp = r.speed;
  const lines = [
    `A-CF vs CF: MIA ${a.mia.toFixed(1)} vs ${cf.mia.toFixed(1)} (paper ${PAPER_AAMU.table1.uniform.aCf.mia} vs ${PAPER_AAMU.table1.uniform.cf.mia}), ` +
      `forget accuracy ${percent(a.forgetAcc).toFixed(1)} vs ${percent(cf.forgetAcc).toFixed(1)} (paper ${PAPER_AAMU.table1.uniform.aCf.forgetAcc} vs ${PAPER_AAMU.table1.uniform.cf.forgetAcc}), ` +
      `test accuracy ${percent(a.testAcc).toFixed(1)} vs ${percent(cf.testAcc).toFixed(1)} (paper ${PAPER_AAMU.table1.uniform.aCf.testAcc} vs ${PAPER_AAMU.table1.uniform.cf.testAcc}).`,
    `Time: CF ${cf.seconds.toFixed(1)} s (${sp.cfEpochs} epochs) vs one A-CF epoch ${a.seconds.toFixed(1)} s: ${sp.fullRatio.toFixed(2)}x (paper ${PAPER_AAMU.speedupUniform.toFixed(2)}x with CF at 50 epochs).`,
    sp.reached
      ? `A-CF came within ${sp.tolerance} MIA points of CF's final MIA after ${sp.reached.steps} steps (${(100 * sp.reached.fraction).toFixed(1)}% of its epoch, ${sp.reached.seconds.toFixed(1)} s): ${sp.ratio.toFixed(2)}x faster than CF.` +
        (sp.trivial ? ` The original model's MIA (${sp.originalMia.toFixed(1)}) was already that close, so this says little about forgetting.` : '')
      : `A-CF never came within ${sp.tolerance} MIA points of CF's final MIA (${sp.cfMia.toFixed(1)}) at the measured checkpoints.`,
    `Regulariser on the original model: MMD^2 ${r.anatomy.mmd.toFixed(4)}; after CF ${cf.mmd.toFixed(4)}, after A-CF ${a.mmd.toFixed(4)}.`,
    // Rows written before the divergence guard have no status (and count as ok).
    ...[cf, a].filter((m) => m.status != null && m.status !== 'ok').map((m) => `Warning: the ${m.name} run is flagged '${m.status}' (${m.statusReason}); its numbers are not a normal result.`),
  ];
  return lines;
}

const ci = (c: { mean: number; ci: number; n: number } | null, digits = 1) =>
  c == null ? 'n/a' : c.n > 1 ? `${c.mean.toFixed(digits)} ± ${c.ci.toFixed(digits)}` : `${c.mean.toFixed(digits)} (n=1)`;

/** What the traces say, in sentences built from the numbers. */
export function timeToRetrainText(r: AamuAnatomyResult): string[] {
  const t = traceSummary(r);
  const n = r.traces.length;
  const lines = [
    `Target: Retrain's MIA ${ci(t.retrain.mia)} (original ${ci(t.original.mia)}; ideal 50), over ${n} seed${n === 1 ? '' : 's'}. ` +
      `A method "reaches" it when its MIA is within ${t.tolerance} points at two probes in a row. An MIA below Retrain's, or below 50, is not better: it is a different, detectable state.`,
    ...t.rows.map((x) =>
      x.reached > 0
        ? `${x.method}: reached Retrain's MIA in ${x.reached}/${x.seeds} seeds after ${ci(x.seconds)} s (${ci(x.steps, 0)} steps); at the end of its budget (${ci(x.budgetSeconds)} s) MIA ${ci(x.finalMia)}.`
        : `${x.method}: did not reach Retrain's MIA within its budget (${ci(x.budgetSeconds)} s) in any seed; MIA at the end ${ci(x.finalMia)}.`,
    ),
    t.ratioToRetrainMia
      ? `CF / A-CF time to Retrain's MIA: ${ci(t.ratioToRetrainMia, 2)}x (paper, from its Table 1 times: ${PAPER_AAMU.speedupUniform.toFixed(2)}x).`
      : "CF / A-CF time to Retrain's MIA: not measurable here (at least one of them never reached it in any seed).",
    t.ratioToCfForgetAcc
      ? `CF / A-CF time to CF's final forget accuracy: ${ci(t.ratioToCfForgetAcc, 2)}x.`
      : "CF / A-CF time to CF's final forget accuracy: not measurable (CF did not lower forget accuracy below the original's, or A-CF never got that low).",
  ];
  return lines;
}

/** Every figure of the anatomy, by name (notebook cells show them one by one). */
export function aamuAnatomyFigures(r: AamuAnatomyResult): Record<string, Figure> {
  // Log y: a memorising original puts almost all forget (and most test) mass in the first bin, and the
  // tails where the two sets differ would be invisible on a linear axis.
  const a = r.anatomy;
  const pair = (key: keyof AnatomySet) => ({ forget: a.forget[key], test: a.test[key] });
  const figs: Record<string, Figure> = {
    rawLosses: lossHistogram(pair('loss'), { title: 'Step 1: per-sample CE of the original model (forget vs class-matched test)', bins: 40, logY: true }),
    log1pLosses: lossDensity(pair('log1p'), { title: 'Step 2: u = log(1 + CE)', xTitle: 'log(1 + CE)', logY: true }),
    smoothedCdf: lossHistogram(pair('cdf'), { title: `Step 3: smoothed within-set CDF (k = ${a.k}, reference ReLU: values in [0.5, 1))`, xTitle: 'F_i', bins: 40, logY: true }),
    gaussianised: lossHistogram(pair('z'), { title: `Step 4: z = probit(F) (reference form); MMD^2 = ${a.mmd.toFixed(4)}`, xTitle: 'z', bins: 40, logY: true }),
    gaussianisedPaper: lossHistogram(pair('zPaper'), { title: `Step 4, paper formula (no ReLU): MMD^2 = ${a.mmdPaper.toFixed(4)}`, xTitle: 'z', bins: 40, logY: true }),
    probitOwnCdf: probitLossDistribution(pair('loss'), { reference: 'own', title: 'Exact PIT + probit per set (the K -> infinity limit)' }),
  };
  for (const m of r.models) {
    figs[`losses-${m.name}`] = lossDensity(
      { forget: m.forgetLosses.map((c) => Math.log1p(c)), test: m.testLosses.map((c) => Math.log1p(c)) },
      { title: `${m.name}: log(1 + CE), forget vs test split (MIA ${m.mia.toFixed(1)})`, xTitle: 'log(1 + CE)', logY: true },
    );
  }
  figs.sweepK = metricLines(sweepTable(r, 'k'), { metrics: ['mia', 'forgetAcc', 'testAcc'], title: 'A-CF vs k (sigmoid slope)', logX: true, references: [MIA_IDEAL_LINE] });
  figs.sweepLambda = metricLines(sweepTable(r, 'lambda'), { metrics: ['mia', 'forgetAcc', 'testAcc'], title: 'A-CF vs lambda (regulariser weight)', references: [MIA_IDEAL_LINE] });
  // x = steps: each checkpoint is its own run, so their seconds need not rise with the steps (and did not, on a loaded machine).
  figs.speed = metricLines(speedTable(r), { xColumn: 'steps', metrics: ['mia', 'cf final mia'], title: "A-CF MIA when stopped after S steps of its epoch vs CF's final MIA", yTitle: 'MIA score', references: [MIA_IDEAL_LINE] });
  if (r.traces?.length) {
    figs.miaOverTime = traceFigure(r, 'mia');
    figs.forgetOverTime = traceFigure(r, 'forgetAcc');
  }
  return figs;
}

/** Every table, figure and finding of the anatomy. */
export function aamuAnatomyOutput(r: AamuAnatomyResult): ExperimentOutput {
  const figs = aamuAnatomyFigures(r);
  return {
    title: AAMU_ANATOMY.title,
    meta: [`preset ${r.preset}`, `backend ${r.backend}`, `seed ${r.seed}`, `original test acc ${percent(r.originalTestAcc).toFixed(2)}% (${r.originalSource})`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables: {
      anatomy: anatomyTable(r.anatomy),
      models: modelsTable(r),
      'sweep-k': sweepTable(r, 'k'),
      'sweep-lambda': sweepTable(r, 'lambda'),
      speed: speedTable(r),
      'paper-comparison': aamuPaperComparison(r),
      ...(r.traces?.length ? { 'time-to-retrain': timeToRetrainTable(r), speedup: speedupTable(r) } : {}),
    },
    figures: Object.entries(figs).map(([name, figure]) => ({ figure, caption: name })),
    notes: [
      'Speed-up measurement: A-CF stopped after S steps of its shuffled epoch is the same as one A-CF pass over a uniformly random ' +
        'subset of 64*S retain samples, so each checkpoint is a separate, separately timed A-CF run on such a subset. A checkpoint ' +
        "reaches CF's forgetting when its MIA score is within the tolerance of CF's final MIA; the ratio is CF's total time over that run's time.",
      ...aamuComparisonText(r),
      ...(r.traces?.length ? timeToRetrainText(r) : []),
    ],
  };
}

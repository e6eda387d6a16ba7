import { metricLines, type MetricLinesOptions } from '../../plot/metric-lines';
import { METRIC_BOUNDS } from '../shared/method-dot-plot';
import type { Figure } from '../../plot/figure';
import type { Cell, MeanCi, ResultsTable, Table } from '../../results';
import type { ExperimentOutput } from '../shared/output';
import { PERCENT_SCALE } from '../shared/percent';
import { studiesTable, type ModularStudiesResult, type StudyName } from './run';
import { MODULAR_STUDIES } from './settings';
import { overSeeds } from '../../results';

const scaled = (c: MeanCi | undefined, k: number): Cell => (c == null ? null : { mean: c.mean * k, ci: c.ci * k, n: c.n });

/** One metric of one study as a table: a row per value of the study's variable, a column per method. */
export function studyPivot(t: ResultsTable, study: StudyName, metric: string, xName: string, title: string): Table {
  const rows = t.rows.filter((r) => r.scenario.startsWith(`${study} `));
  const methods = [...new Set(rows.map((r) => r.method))];
  const xs = [...new Set(rows.map((r) => Number(r.scenario.slice(study.length + 1))))].sort((a, b) => a - b);
  const k = PERCENT_SCALE[metric] ?? 1;
  return {
    title,
    columns: [xName, ...methods],
    rows: xs.map((x) => [x, ...methods.map((m) => scaled(rows.find((r) => r.method === m && r.scenario === `${study} ${x}`)?.cells[metric], k))]),
  };
}

/** Every study's numbers, one table per study (mean +- 95% CI over seeds). */
function studyTables(t: ResultsTable, seeds: number): Record<string, Table> {
  const view = (study: StudyName, metrics: string[], title: string) => {
    const rows = t.rows.filter((r) => r.scenario.startsWith(`${study} `));
    const cols = metrics.filter((m) => rows.some((r) => m in r.cells));
    return {
      title: `${title} (${overSeeds(seeds)})`,
      columns: ['method', study, ...cols],
      rows: rows.map((r) => [r.method, r.scenario.slice(study.length + 1), ...cols.map((m) => scaled(r.cells[m], PERCENT_SCALE[m] ?? 1))]),
    };
  };
  return {
    'study-ipc': view('ipc', ['retainAcc', 'forgetAcc', 'testAcc', 'miaLoss', 'seconds'], 'Remembrance-set size (ipc per class): the modular method on the 10% uniform request'),
    'study-k': view('k', ['reducedRatio', 'retainUsed', 'preSeconds', 'seconds', 'retainAcc', 'forgetAcc', 'miaLoss'], 'Clusters per class K: |R~| / |R|, pre-processing (k-means + fast DM) and online seconds'),
    'study-cycles': view('cycle', ['forgetSize', 'retainAcc', 'forgetAcc', 'testAcc', 'miaLoss', 'seconds'], 'Unlearning cycles (forget sets cumulative; each cycle from the offline model): modular vs Retrain'),
    'study-metrics': view('metric', ['unlearningMetric', 'overfittingMetric', 'forgetAcc', 'miaLoss', 'seconds'], 'The unlearning metric (x 100) and the overfitting metric after S online epochs (modular) or S epochs of CF; epoch 0 = pretrained'),
  };
}

/** The figures: forget accuracy and MIA against ipc, |R~|/|R| and time against K, cycles, the metrics over epochs. */
export function studyFigures(t: ResultsTable): Record<string, Figure> {
  const mia = [{ name: 'ideal MIA (50)', y: 50 }];
  // One study metric against its variable, its CI bars cut at the metric's bounds (accuracy and MIA 0-100, seconds >= 0).
  const lines = (study: StudyName, metric: string, xName: string, title: string, opts: MetricLinesOptions) =>
    metricLines(studyPivot(t, study, metric, xName, title), { ...opts, bounds: METRIC_BOUNDS[metric] });
  const noPretrained = (tb: Table): Table => ({ ...tb, columns: tb.columns.filter((c) => c !== 'pretrained'), rows: tb.rows.filter((r) => r[0] !== 0).map((r) => r.filter((_, j) => tb.columns[j] !== 'pretrained')) });
  const pretrained = (metric: string) => t.rows.find((r) => r.scenario === 'metric 0')?.cells[metric]?.mean;
  const line = (metric: string, name: string) => {
    const v = pretrained(metric);
    return v == null ? [] : [{ name, y: v }];
  };
  return {
    ipcForget: lines('ipc', 'forgetAcc', 'ipc', 'Forget accuracy (%) against the remembrance-set size', { logX: true, yTitle: 'forget accuracy (%)' }),
    ipcMia: lines('ipc', 'miaLoss', 'ipc', 'Loss-LR MIA against the remembrance-set size (ideal 50)', { logX: true, yTitle: 'MIA (%)', references: mia }),
    kRatio: lines('k', 'reducedRatio', 'K', '|R~| / |R| against clusters per class K', { logX: true, yTitle: '|R~| / |R|' }),
    kSeconds: lines('k', 'seconds', 'K', 'Online seconds against K', { logX: true, yTitle: 'seconds' }),
    cyclesForget: lines('cycle', 'forgetAcc', 'cycle', 'Forget accuracy (%) per cycle: modular vs Retrain', { yTitle: 'forget accuracy (%)' }),
    cyclesMia: lines('cycle', 'miaLoss', 'cycle', 'Loss-LR MIA per cycle (ideal 50)', { yTitle: 'MIA (%)', references: mia }),
    cyclesSeconds: lines('cycle', 'seconds', 'cycle', 'Seconds per cycle: modular (online) vs Retrain', { yTitle: 'seconds' }),
    unlearningMetric: metricLines(noPretrained(studyPivot(t, 'metric', 'unlearningMetric', 'online epochs', 'Unlearning metric (x 100) over online epochs (dashed: pretrained)')), { yTitle: 'unlearning metric', references: line('unlearningMetric', 'pretrained') }),
    overfittingMetric: metricLines(noPretrained(studyPivot(t, 'metric', 'overfittingMetric', 'online epochs', 'Overfitting metric on the forget set over online epochs (dashed: pretrained)')), { yTitle: 'overfitting metric', references: line('overfittingMetric', 'pretrained') }),
  };
}

/** The reference's numbers for the studies (docs/reference/modular-2024.md#b11), beside which ours are read. */
export const PAPER_002_STUDIES = [
  'ipc (CNN, CIFAR-10): ipc 1 / 10 / 50 -> MIA 54.1 / 55.5 / 56.2, retain 90.7 / 91.7 / 92.5, forget 85.4 / 85.9 / 87.9.',
  'K (VGG-16): K 45 -> |R~|/|R| 0.996 (10% forget), 0.78 (1%); K 450 -> 0.83 (10%), 0.28 (1%), 0.99 (50%).',
  'Cycles (SVHN CNN, 5 cycles): modular MIA 51.2-52.0, forget 93.4 -> 90.3, time 21.4 -> 15.2 s; Retrain forget 90.4-91.7, 23.1 -> 15.0 s.',
  'Metrics (ViT-tiny, epochs 1-5): unlearning metric 78-84 for modular vs 82-83 for CF; overfitting metric 0.12-0.17 vs pretrained 0.037.',
];

export function modularStudiesOutput(r: ModularStudiesResult): ExperimentOutput {
  const t = studiesTable(r.rows);
  const seeds = new Set(r.rows.map((x) => x.seed)).size;
  const figs = studyFigures(t);
  return {
    title: MODULAR_STUDIES.title,
    meta: [`preset ${r.preset}`, `model ${r.model} (metric study: ${r.metricModel ?? r.model})`, `backend ${r.backend}`, `${seeds} seed(s)`, `${r.seconds.toFixed(0)} s in all`],
    result: r,
    tables: studyTables(t, seeds),
    figures: Object.values(figs).map((figure) => ({ figure })),
    notes: [
      'The reference loses the intermediate chunks of its cycles (forget set = first chunk + newest chunk only); here every cycle forgets all chunks so far.',
      'Each cycle restarts from the offline-trained model, as the reference does; Retrain retrains from scratch on the cycle\'s retain set.',
      ...PAPER_002_STUDIES.map((l) => `Paper: ${l}`),
    ],
  };
}

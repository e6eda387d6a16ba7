import { aggregateOverSeeds, type SeedTable } from '../metrics/aggregate';
import type { Figure } from '../plot/figure';
import { radarChart } from '../plot/radar';
import type { Table } from '../report/table';
import type { Experiment, RunOptions } from './experiment';
import type { PresetName } from './presets';
import type { ExperimentOutput } from './results';
import { disposeScenario, scenarioSizes } from './scenario';
import { PAPER_TABLE2, PAPER_TABLE4, PAPER_TABLE5, RADAR_AXES } from './suli-paper-numbers';
import {
  fullTestSet,
  measureMetrics,
  measureSuliRuns,
  paperCell,
  prepareSuliScenario,
  startSuliRun,
  suliCell,
  suliLabel,
  suliMean,
  suliSeeds,
  SULI_METHOD_LABELS,
  type SuliCost,
  type SuliMeasures,
  type SuliPaperDataset,
} from './suli-setting';

/** One method (or 'original') on one seed, class-wise. */
export interface SuliClassRow extends SuliMeasures, SuliCost {
  seed: number;
  method: string;
}

export interface SuliClassWiseResult {
  experiment: 'suli-class-wise';
  preset: PresetName;
  dataset: string;
  setting: string;
  paperDataset: SuliPaperDataset;
  backend: string;
  forgetClass: string;
  rows: SuliClassRow[];
  /** Mean and 95 % CI over seeds per method (scenario = forgotten class). */
  table: SeedTable;
  setups: { seed: number; sizes: Record<string, number>; originalTestAcc: number; originalSource: string; originalSeconds: number }[];
  seconds: number;
}

export interface SuliClassWiseOptions extends RunOptions {
  /** Methods to run (default: the preset's, the paper's Table 2 columns). */
  methods?: string[];
}

const NAME = 'suli-class-wise';

/**
 * SULI paper (003) Sec. 4, class-wise unlearning: every method forgets one whole class using the
 * forget set only (Retrain: the retain set). Table 2 (A_Dr, A_Df, A_Dtr, A_Dtf), Table 4's class
 * column (10-fold loss MIA), Table 5's class runtime and Fig. 3's radar of five objectives.
 */
export async function runSuliClassWise(o: SuliClassWiseOptions): Promise<SuliClassWiseResult> {
  const { setting, methods, log } = startSuliRun(NAME, o, (st) => st.methods);
  const seeds = suliSeeds(NAME, o, setting);
  const t0 = performance.now();
  const rows: SuliClassRow[] = [];
  const setups: SuliClassWiseResult['setups'] = [];
  let backend = '';
  let forgetClass = '';
  for (let seed = 0; seed < seeds; seed++) {
    const s = await prepareSuliScenario(setting, { kind: 'class', classes: [setting.forgetClass] }, seed, o);
    try {
      backend = s.engine.backend;
      forgetClass = s.train.classNames[setting.forgetClass] ?? String(setting.forgetClass);
      const test = fullTestSet(s);
      setups.push({ seed, sizes: { ...scenarioSizes(s), test: test.labels.length }, originalTestAcc: 100 * s.originalTestAccuracy, originalSource: s.originalSource, originalSeconds: s.originalSeconds });
      await measureSuliRuns(setting, methods, 'class', s, test, seed, o.onProgress, (method, m, cost) => {
        rows.push({ seed, method, ...m, ...cost });
        if (method === 'original') log(`seed ${seed}: forget class '${forgetClass}' (${s.forget.labels.length} images); original ${describe(m)} (${s.originalSource})`);
        else log(`  ${method}: ${describe(m)} time ${cost.seconds.toFixed(1)} s (${cost.paperSeconds.toFixed(1)} s updates), ${cost.updates} updates`);
      });
    } finally {
      disposeScenario(s);
    }
  }
  return {
    experiment: NAME,
    preset: o.preset,
    dataset: setting.data.dataset,
    setting: setting.label,
    paperDataset: setting.paperDataset,
    backend,
    forgetClass,
    rows,
    table: suliClassTable(rows, forgetClass),
    setups,
    seconds: (performance.now() - t0) / 1000,
  };
}

function describe(m: SuliMeasures): string {
  return `retain ${m.retainAcc.toFixed(2)} forget ${m.forgetAcc.toFixed(2)} test-retain ${m.testRetainAcc?.toFixed(2)} test-forget ${m.testForgetAcc?.toFixed(2)} MIA ${m.mia.toFixed(3)}`;
}

export function suliClassTable(rows: SuliClassRow[], scenario: string): SeedTable {
  return aggregateOverSeeds(
    rows.map((r) => ({
      method: r.method,
      scenario,
      seed: r.seed,
      // Every numeric field of the row: the measures and the cost (the seed too, which thus averages as a column).
      metrics: measureMetrics(r),
    })),
  );
}

/** Mean of a metric for a method in the seed table (NaN when absent). */
export function tableMean(t: SeedTable, method: string, metric: string): number {
  return suliMean(t, method, metric);
}

/** Table 2 beside ours: accuracies (%) per method. */
export function suliTable2(r: SuliClassWiseResult): Table {
  const paper = PAPER_TABLE2[r.paperDataset];
  const metrics = ['retainAcc', 'forgetAcc', 'testRetainAcc', 'testForgetAcc'] as const;
  return {
    title: `Table 2 (class-wise, forget '${r.forgetClass}'): ours on ${r.setting} vs paper ${r.paperDataset} (%)`,
    columns: ['method', 'A_Dr', 'A_Df', 'A_Dtr', 'A_Dtf', 'paper A_Dr', 'paper A_Df', 'paper A_Dtr', 'paper A_Dtf'],
    rows: r.table.rows.map((row) => [
      suliLabel(row.method),
      ...metrics.map((m) => suliCell(r.table, row.method, m)),
      ...metrics.map((m) => paperCell(paper[row.method]?.[m])),
    ]),
  };
}

/** Table 4's class column beside ours: loss-MIA attack accuracy (ideal 0.5). */
export function suliTable4Class(r: SuliClassWiseResult): Table {
  const paper = PAPER_TABLE4[r.paperDataset];
  return {
    title: `Table 4 (class-wise MIA, 10-fold loss attack; ideal 0.5): ours vs paper ${r.paperDataset}`,
    columns: ['method', 'MIA', 'MIA std over folds', 'paper MIA'],
    rows: r.table.rows.map((row) => [
      suliLabel(row.method),
      suliCell(r.table, row.method, 'mia'),
      suliCell(r.table, row.method, 'miaStd'),
      paperCell(paper[row.method]?.class),
    ]),
  };
}

/** Table 5's class row beside ours: runtime (s). */
export function suliTable5Class(r: SuliClassWiseResult): Table {
  return {
    title: `Table 5 (class-wise runtime, s): ours (${r.backend}) vs paper (RTX 4070)`,
    columns: ['method', 'seconds (whole call)', 'seconds (updates, as the paper)', 'updates', 'paper seconds'],
    rows: r.table.rows
      .filter((row) => row.method !== 'original')
      .map((row) => [
        suliLabel(row.method),
        suliCell(r.table, row.method, 'seconds'),
        suliCell(r.table, row.method, 'paperSeconds'),
        suliCell(r.table, row.method, 'updates'),
        PAPER_TABLE5[row.method]?.class ?? null,
      ]),
  };
}

/** Fig. 3's five objectives in [0, 1] per method (formulas in RADAR_AXES' comment). */
export function suliRadarScores(r: SuliClassWiseResult): { method: string; values: number[] }[] {
  const methods = r.table.rows.map((x) => x.method).filter((m) => m !== 'original');
  const fastest = Math.min(...methods.map((m) => Math.max(1e-6, tableMean(r.table, m, 'paperSeconds'))));
  return methods.map((m) => ({
    method: m,
    values: [
      tableMean(r.table, m, 'retainAcc') / 100,
      1 - tableMean(r.table, m, 'forgetAcc') / 100,
      tableMean(r.table, m, 'testRetainAcc') / 100,
      Math.max(0, 1 - 2 * Math.abs(tableMean(r.table, m, 'mia') - 0.5)),
      fastest / Math.max(1e-6, tableMean(r.table, m, 'paperSeconds')),
    ],
  }));
}

export function suliRadar(r: SuliClassWiseResult): Figure {
  return radarChart(
    [...RADAR_AXES],
    suliRadarScores(r).map((s) => ({ name: suliLabel(s.method), values: s.values })),
    { title: `Fig. 3: five objectives, class-wise (${r.setting})`, range: [0, 1] },
  );
}

/** Sentences comparing our run with the paper, built from the numbers (so they always match them). */
export function suliClassWiseNotes(r: SuliClassWiseResult): string[] {
  const p2 = PAPER_TABLE2[r.paperDataset];
  const mean = (m: string, k: string) => tableMean(r.table, m, k);
  const methods = r.table.rows.map((x) => x.method).filter((m) => m !== 'original');
  const notes: string[] = [];
  if (methods.includes('suli')) {
    notes.push(
      `SULI took forget accuracy from ${mean('original', 'forgetAcc').toFixed(1)}% to ${mean('suli', 'forgetAcc').toFixed(1)}% (paper: 0) ` +
        `with retain accuracy ${mean('original', 'retainAcc').toFixed(1)}% -> ${mean('suli', 'retainAcc').toFixed(1)}% ` +
        `(paper ${r.paperDataset}: ${p2.original.retainAcc[0]} -> ${p2.suli.retainAcc[0]}) in ${mean('suli', 'paperSeconds').toFixed(2)} s of updates.`,
    );
  }
  const forgetOnly = methods.filter((m) => m !== 'retrain');
  const zero = forgetOnly.filter((m) => mean(m, 'forgetAcc') === 0);
  notes.push(`Forget accuracy reached 0 for ${zero.length ? zero.map((m) => SULI_METHOD_LABELS[m]).join(', ') : 'no forget-only method'}; paper: NegGrad, Random Label, ADV+IMP, SU and SULI.`);
  const byRetain = [...forgetOnly].sort((a, b) => mean(b, 'retainAcc') - mean(a, 'retainAcc'));
  if (byRetain.length) {
    notes.push(
      `Highest retain accuracy among forget-set-only methods: ${SULI_METHOD_LABELS[byRetain[0]]} (${mean(byRetain[0], 'retainAcc').toFixed(2)}%); paper: SULI. ` +
        `Order here: ${byRetain.map((m) => `${SULI_METHOD_LABELS[m]} ${mean(m, 'retainAcc').toFixed(1)}`).join(', ')}.`,
    );
  }
  const byTime = [...forgetOnly].sort((a, b) => mean(a, 'paperSeconds') - mean(b, 'paperSeconds'));
  if (byTime.length) {
    notes.push(
      `Fastest (update time): ${SULI_METHOD_LABELS[byTime[0]]} (${mean(byTime[0], 'paperSeconds').toFixed(2)} s); paper: SULI (0.93 s). ` +
        `Order here: ${byTime.map((m) => `${SULI_METHOD_LABELS[m]} ${mean(m, 'paperSeconds').toFixed(1)} s`).join(', ')}.`,
    );
  }
  const miaGap = forgetOnly.map((m) => ({ m, gap: Math.abs(mean(m, 'mia') - 0.5) })).sort((a, b) => a.gap - b.gap);
  if (miaGap.length) {
    notes.push(
      `MIA closest to 0.5: ${miaGap.slice(0, 3).map((x) => `${SULI_METHOD_LABELS[x.m]} ${mean(x.m, 'mia').toFixed(3)}`).join(', ')}; original ${mean('original', 'mia').toFixed(3)} ` +
        `(paper ${r.paperDataset}: original ${PAPER_TABLE4[r.paperDataset].original.class[0]}, SULI ${PAPER_TABLE4[r.paperDataset].suli.class[0]}).`,
    );
  }
  return notes;
}

export const suliClassWise: Experiment<SuliClassWiseResult> = {
  name: NAME,
  title: 'SULI paper (003), Sec. 4, Tables 2, 4 (class), 5 (class) and Fig. 3: class-wise unlearning with SU, SULI and the re-labelling baselines',
  run: (o) => runSuliClassWise(o),
  output: (r): ExperimentOutput => ({
    title: suliClassWise.title,
    meta: [
      `preset ${r.preset}`,
      `${r.setting}; forget class '${r.forgetClass}'`,
      `backend ${r.backend}`,
      `${r.setups.length} seed(s)`,
      `${r.seconds.toFixed(0)} s in all`,
      `paper numbers: ${r.paperDataset} (paper 003)`,
    ],
    result: r,
    tables: { table2: suliTable2(r), table4: suliTable4Class(r), table5: suliTable5Class(r) },
    figures: [{ figure: suliRadar(r), caption: 'Fig. 3 analogue: utility = A_Dr, unlearning = 1 - A_Df, new data = A_Dtr, thoroughness = 1 - 2|MIA - 0.5|, efficiency = fastest / own update time.' }],
    notes: suliClassWiseNotes(r),
  }),
};

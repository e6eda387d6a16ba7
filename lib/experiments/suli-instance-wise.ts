import { size } from '../data/dataset';
import { aggregateOverSeeds, type SeedTable } from '../metrics/aggregate';
import { metricLines } from '../plot/metric-lines';
import type { Figure } from '../plot/figure';
import type { Cell, Table } from '../report/table';
import type { Experiment, RunOptions } from './experiment';
import type { PresetName } from './presets';
import type { ExperimentOutput } from './results';
import { disposeScenario, scenarioSizes } from './scenario';
import { PAPER_TABLE3, PAPER_TABLE3_COUNTS, PAPER_TABLE4, PAPER_TABLE5 } from './suli-paper-numbers';
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

/** One method (or 'original') on one seed and one forget-set size n, instance-wise. */
export interface SuliInstanceRow extends SuliMeasures, SuliCost {
  seed: number;
  n: number;
  method: string;
}

export interface SuliInstanceWiseResult {
  experiment: 'suli-instance-wise';
  preset: PresetName;
  dataset: string;
  setting: string;
  paperDataset: SuliPaperDataset;
  backend: string;
  counts: number[];
  rows: SuliInstanceRow[];
  /** Mean and 95 % CI over seeds per method and n (scenario 'n=64', ...). */
  table: SeedTable;
  setups: { seed: number; n: number; sizes: Record<string, number>; originalTestAcc: number; originalSource: string }[];
  seconds: number;
}

export interface SuliInstanceWiseOptions extends RunOptions {
  methods?: string[];
  /** Forget-set sizes (default: the preset's; the paper's 64, 128, 256, 512). */
  counts?: number[];
}

const NAME = 'suli-instance-wise';
const scenarioOf = (n: number) => `n=${n}`;

/**
 * SULI paper (003) Sec. 4, instance-wise unlearning: n random training images are forgotten; the
 * forget-set-only methods stop when forget accuracy falls to the original model's accuracy on the
 * 1 % per-class reference set (held out of the original training). Table 3 (A_Dr, A_Df, A_Dtest for
 * n = 64..512), Table 4's instance column (MIA) and Table 5's instance runtime.
 */
export async function runSuliInstanceWise(o: SuliInstanceWiseOptions): Promise<SuliInstanceWiseResult> {
  const { setting, methods, log } = startSuliRun(NAME, o, (st) => st.instanceMethods);
  const counts = o.counts ?? setting.instanceCounts;
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 10)) {
    throw new Error(`${NAME}: counts must be integers >= 10 (the 10-fold MIA needs 10 per side), got [${counts.join(', ')}].`);
  }
  const seeds = suliSeeds(NAME, o, setting);
  const t0 = performance.now();
  const rows: SuliInstanceRow[] = [];
  const setups: SuliInstanceWiseResult['setups'] = [];
  let backend = '';
  for (let seed = 0; seed < seeds; seed++) {
    for (const n of counts) {
      // The reference set does not depend on n, so every n shares one cached original model per seed.
      const s = await prepareSuliScenario(setting, { kind: 'instances', n }, seed, o);
      try {
        backend = s.engine.backend;
        const test = fullTestSet(s);
        setups.push({ seed, n, sizes: { ...scenarioSizes(s), test: size(test) }, originalTestAcc: 100 * s.originalTestAccuracy, originalSource: s.originalSource });
        await measureSuliRuns(setting, methods, 'instance', s, test, seed, o.onProgress, (method, m, cost) => {
          rows.push({ seed, n, method, ...m, ...cost });
          if (method === 'original') log(`seed ${seed}, n ${n}: original ${describe(m)} (${s.originalSource}; reference ${size(s.reference!)} images)`);
          else log(`  ${method}: ${describe(m)} time ${cost.seconds.toFixed(2)} s (${cost.paperSeconds.toFixed(2)} s updates), ${cost.updates} updates`);
        });
      } finally {
        disposeScenario(s);
      }
    }
  }
  // Every numeric field of a row is a metric: the measures and the cost (seed and n too, as columns).
  const table = aggregateOverSeeds(rows.map((r) => ({ method: r.method, scenario: scenarioOf(r.n), seed: r.seed, metrics: measureMetrics(r) })));
  return {
    experiment: NAME,
    preset: o.preset,
    dataset: setting.data.dataset,
    setting: setting.label,
    paperDataset: setting.paperDataset,
    backend,
    counts,
    rows,
    table,
    setups,
    seconds: (performance.now() - t0) / 1000,
  };
}

function describe(m: SuliMeasures): string {
  return `retain ${m.retainAcc.toFixed(2)} forget ${m.forgetAcc.toFixed(2)} test ${m.testAcc.toFixed(2)} reference ${m.referenceAcc?.toFixed(2)} MIA ${m.mia.toFixed(3)}`;
}

const cellOf = (t: SeedTable, method: string, n: number, metric: string): Cell => suliCell(t, method, metric, scenarioOf(n));

/** Mean of a metric for a method and forget-set size n in the seed table (NaN when absent). */
export function instanceMean(t: SeedTable, method: string, n: number, metric: string): number {
  return suliMean(t, method, metric, scenarioOf(n));
}

function methodsOf(r: SuliInstanceWiseResult): string[] {
  return [...new Set(r.rows.map((x) => x.method))];
}

/** Table 3 beside ours: one row per method and n. */
export function suliTable3(r: SuliInstanceWiseResult): Table {
  const paper = PAPER_TABLE3[r.paperDataset];
  const rows: Cell[][] = [];
  for (const n of r.counts) {
    const k = PAPER_TABLE3_COUNTS.indexOf(n);
    for (const m of methodsOf(r)) {
      const p = k >= 0 ? paper[m] : undefined;
      rows.push([
        n,
        suliLabel(m),
        cellOf(r.table, m, n, 'retainAcc'),
        cellOf(r.table, m, n, 'forgetAcc'),
        cellOf(r.table, m, n, 'testAcc'),
        cellOf(r.table, m, n, 'referenceAcc'),
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
  return {
    title: `Table 4 (instance-wise MIA, 10-fold loss attack; ideal 0.5): ours per n vs paper ${r.paperDataset}`,
    columns: ['method', ...r.counts.map((n) => `MIA n=${n}`), 'paper MIA'],
    rows: methodsOf(r).map((m) => [
      suliLabel(m),
      ...r.counts.map((n) => cellOf(r.table, m, n, 'mia')),
      paperCell(paper[m]?.instance),
    ]),
  };
}

/** Table 5's instance row beside ours: update seconds per n. */
export function suliTable5Instance(r: SuliInstanceWiseResult): Table {
  return {
    title: `Table 5 (instance-wise runtime, s, updates as the paper times them): ours (${r.backend}) per n vs paper (RTX 4070)`,
    columns: ['method', ...r.counts.map((n) => `s n=${n}`), ...r.counts.map((n) => `updates n=${n}`), 'paper seconds'],
    rows: methodsOf(r)
      .filter((m) => m !== 'original')
      .map((m) => [
        suliLabel(m),
        ...r.counts.map((n) => cellOf(r.table, m, n, 'paperSeconds')),
        ...r.counts.map((n) => cellOf(r.table, m, n, 'updates')),
        PAPER_TABLE5[m]?.instance ?? null,
      ]),
  };
}

/** Test accuracy against n per method (the trend of Table 3's D_test block). */
export function suliInstanceFigure(r: SuliInstanceWiseResult): Figure {
  const ms = methodsOf(r);
  const table: Table = {
    title: `Test accuracy after instance-wise unlearning vs n (${r.setting})`,
    columns: ['forgotten instances n', ...ms.map((m) => suliLabel(m))],
    rows: r.counts.map((n) => [n, ...ms.map((m) => cellOf(r.table, m, n, 'testAcc'))]),
  };
  return metricLines(table, { yTitle: 'A_Dtest (%)' });
}

/** Sentences comparing our run with the paper, built from the numbers. */
export function suliInstanceWiseNotes(r: SuliInstanceWiseResult): string[] {
  const mean = (m: string, n: number, k: string) => instanceMean(r.table, m, n, k);
  const ms = methodsOf(r).filter((m) => m !== 'original' && m !== 'retrain');
  const notes: string[] = [];
  for (const n of r.counts) {
    const target = mean('original', n, 'referenceAcc');
    const reached = ms.filter((m) => mean(m, n, 'forgetAcc') <= target + 1e-9);
    const bestTest = [...ms].sort((a, b) => mean(b, n, 'testAcc') - mean(a, n, 'testAcc'));
    notes.push(
      `n=${n}: original forget ${mean('original', n, 'forgetAcc').toFixed(1)}% vs reference ${target.toFixed(1)}% (the stop target); ` +
        `reached by ${reached.length ? reached.map((m) => SULI_METHOD_LABELS[m]).join(', ') : 'none'}. ` +
        (ms.includes('suli') ? `SULI: retain ${mean('suli', n, 'retainAcc').toFixed(2)}, forget ${mean('suli', n, 'forgetAcc').toFixed(2)}, test ${mean('suli', n, 'testAcc').toFixed(2)}. ` : '') +
        (bestTest.length ? `Best test accuracy: ${SULI_METHOD_LABELS[bestTest[0]]} ${mean(bestTest[0], n, 'testAcc').toFixed(2)} (paper: SULI at every n).` : ''),
    );
  }
  return notes;
}

export const suliInstanceWise: Experiment<SuliInstanceWiseResult> = {
  name: NAME,
  title: 'SULI paper (003), Sec. 4, Table 3, Tables 4 and 5 (instance columns): instance-wise unlearning of n = 64..512 samples',
  run: (o) => runSuliInstanceWise(o),
  output: (r): ExperimentOutput => ({
    title: suliInstanceWise.title,
    meta: [
      `preset ${r.preset}`,
      `${r.setting}; n = ${r.counts.join(', ')}; 1 % per-class reference set held out of training`,
      `backend ${r.backend}`,
      `${new Set(r.rows.map((x) => x.seed)).size} seed(s)`,
      `${r.seconds.toFixed(0)} s in all`,
      `paper numbers: ${r.paperDataset} (paper 003)`,
    ],
    result: r,
    tables: { table3: suliTable3(r), table4: suliTable4Instance(r), table5: suliTable5Instance(r) },
    figures: [{ figure: suliInstanceFigure(r), caption: 'A_Dtest against the number of forgotten instances.' }],
    notes: suliInstanceWiseNotes(r),
  }),
};

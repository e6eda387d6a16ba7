import { size } from '../../data/dataset';
import { ResultsTable } from '../../results';
import type { RunOptions } from '../shared/experiment';
import { metricsOf, statusLabel } from '../shared/measure';
import { percent } from '../shared/percent';
import type { PresetName } from '../shared/presets';
import { scenarioSizes } from '../shared/scenario';
import { fullTestSet, measureSuliRuns, startSuliRun, type SuliCost, type SuliMeasures, type SuliPaperDataset } from '../shared/suli-setting';
import { SULI_INSTANCE_WISE } from './settings';

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
  table: ResultsTable;
  setups: { seed: number; n: number; sizes: Record<string, number>; originalTestAcc: number; originalSource: string }[];
  seconds: number;
}

export interface SuliInstanceWiseOptions extends RunOptions {
  /** Forget-set sizes (default: the preset's; the paper's 64, 128, 256, 512). */
  counts?: number[];
}

/** The table's scenario of a forget-set size. */
export const instanceScenario = (n: number) => `n=${n}`;

/**
 * SULI paper (003) Sec. 4, instance-wise unlearning: n random training images are forgotten; the
 * forget-set-only methods stop when forget accuracy falls to the original model's accuracy on the
 * 1 % per-class reference set (held out of the original training). Table 3 (A_Dr, A_Df, A_Dtest for
 * n = 64..512), Table 4's instance column (MIA) and Table 5's instance runtime.
 */
export async function runSuliInstanceWise(o: SuliInstanceWiseOptions): Promise<SuliInstanceWiseResult> {
  const { setting, run } = await startSuliRun(SULI_INSTANCE_WISE, o);
  const log = run.log;
  const counts = o.counts ?? setting.instanceCounts;
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 10)) {
    throw new Error(`suli-instance-wise: counts must be integers >= 10 (the 10-fold MIA needs 10 per side), got [${counts.join(', ')}].`);
  }
  const rows: SuliInstanceRow[] = [];
  const setups: SuliInstanceWiseResult['setups'] = [];
  for (const seed of run.seedList) {
    for (const n of counts) {
      // The reference set does not depend on n, so every n shares one cached original model per seed.
      await run.withScenario(setting, { kind: 'instances', n }, seed, async (s) => {
        const test = fullTestSet(s);
        setups.push({ seed, n, sizes: { ...scenarioSizes(s), test: size(test) }, originalTestAcc: s.originalTestAccuracy, originalSource: s.originalSource });
        await measureSuliRuns(setting, run.methods, 'instance', s, test, seed, run.onProgress, (method, m, cost) => {
          rows.push({ seed, n, method, ...m, ...cost });
          if (method === 'original') log(`seed ${seed}, n ${n}: original ${describe(m)} (${s.originalSource}; reference ${size(s.reference!)} images)`);
          else log(`  ${method}: ${describe(m)} time ${cost.seconds.toFixed(2)} s (${cost.paperSeconds.toFixed(2)} s updates), ${cost.updates} updates`);
        });
      });
    }
  }
  return {
    experiment: 'suli-instance-wise',
    preset: o.preset,
    dataset: setting.data.dataset,
    setting: setting.label,
    paperDataset: setting.paperDataset,
    backend: run.backend,
    counts,
    rows,
    table: suliInstanceTable(rows),
    setups,
    seconds: run.seconds(),
  };
}

function describe(m: SuliMeasures): string {
  const pct = (v: number | undefined) => (v == null ? undefined : percent(v).toFixed(2));
  return `retain ${pct(m.retainAcc)} forget ${pct(m.forgetAcc)} test ${pct(m.testAcc)} reference ${pct(m.referenceAcc)} MIA ${m.mia.toFixed(3)}`;
}

/** Mean and 95 % CI over seeds per method and n; every numeric field of a row is a metric (seed and n too, as columns). */
export function suliInstanceTable(rows: SuliInstanceRow[]): ResultsTable {
  return ResultsTable.fromRuns(rows.map((r) => ({ method: statusLabel(r.method, r), scenario: instanceScenario(r.n), seed: r.seed, metrics: metricsOf(r) })));
}

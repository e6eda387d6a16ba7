import { ResultsTable } from '../../results';
import type { RunOptions } from '../shared/experiment';
import { metricsOf, statusLabel } from '../shared/measure';
import { percent } from '../shared/percent';
import type { PresetName } from '../shared/presets';
import { scenarioSizes } from '../shared/scenario';
import { fullTestSet, measureSuliRuns, startSuliRun, type SuliCost, type SuliMeasures, type SuliPaperDataset } from '../shared/suli-setting';
import { SULI_CLASS_WISE } from './settings';

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
  table: ResultsTable;
  setups: { seed: number; sizes: Record<string, number>; originalTestAcc: number; originalSource: string; originalSeconds: number }[];
  seconds: number;
}


/**
 * SULI paper (003) Sec. 4, class-wise unlearning: every method forgets one whole class using the
 * forget set only (Retrain: the retain set). Table 2 (A_Dr, A_Df, A_Dtr, A_Dtf), Table 4's class
 * column (10-fold loss MIA), Table 5's class runtime and Fig. 3's radar of five objectives.
 */
export async function runSuliClassWise(o: RunOptions): Promise<SuliClassWiseResult> {
  const { setting, run } = await startSuliRun(SULI_CLASS_WISE, o);
  const log = run.log;
  const rows: SuliClassRow[] = [];
  const setups: SuliClassWiseResult['setups'] = [];
  let forgetClass = '';
  for (const seed of run.seedList) {
    await run.withScenario(setting, { kind: 'class', classes: [setting.forgetClass] }, seed, async (s) => {
      forgetClass = s.train.classNames[setting.forgetClass] ?? String(setting.forgetClass);
      const test = fullTestSet(s);
      setups.push({ seed, sizes: { ...scenarioSizes(s), test: test.labels.length }, originalTestAcc: s.originalTestAccuracy, originalSource: s.originalSource, originalSeconds: s.originalSeconds });
      await measureSuliRuns(setting, run.methods, 'class', s, test, seed, run.onProgress, (method, m, cost) => {
        rows.push({ seed, method, ...m, ...cost });
        if (method === 'original') log(`seed ${seed}: forget class '${forgetClass}' (${s.forget.labels.length} images); original ${describe(m)} (${s.originalSource})`);
        else log(`  ${method}: ${describe(m)} time ${cost.seconds.toFixed(1)} s (${cost.paperSeconds.toFixed(1)} s updates), ${cost.updates} updates`);
      });
    });
  }
  return {
    experiment: 'suli-class-wise',
    preset: o.preset,
    dataset: setting.data.dataset,
    setting: setting.label,
    paperDataset: setting.paperDataset,
    backend: run.backend,
    forgetClass,
    rows,
    table: suliClassTable(rows, forgetClass),
    setups,
    seconds: run.seconds(),
  };
}

function describe(m: SuliMeasures): string {
  const pct = (v: number | undefined) => (v == null ? undefined : percent(v).toFixed(2));
  return `retain ${pct(m.retainAcc)} forget ${pct(m.forgetAcc)} test-retain ${pct(m.testRetainAcc)} test-forget ${pct(m.testForgetAcc)} MIA ${m.mia.toFixed(3)}`;
}

/** Mean and 95 % CI over seeds per method (scenario = the forgotten class). */
export function suliClassTable(rows: SuliClassRow[], scenario: string): ResultsTable {
  return ResultsTable.fromRuns(
    rows.map((r) => ({
      method: statusLabel(r.method, r),
      scenario,
      seed: r.seed,
      // Every numeric field of the row: the measures and the cost (the seed too, which thus averages as a column).
      metrics: metricsOf(r),
    })),
  );
}

import { PhaseTimer } from '../engine/timer';
import { size } from '../data/dataset';
import { partitionDataset, type Partition } from '../condense/partition';
import { reduceRetainSet, type ReducedRetainSet } from '../condense/reduced-retain';
import { aggregateOverSeeds, type RunRecord, type SeedTable } from '../metrics/aggregate';
import { getUnlearner } from '../unlearn/registry';
import type { ProgressSink } from '../train/progress';
import { metricBars } from '../plot/metric-bars';
import type { Cell, Table } from '../report/table';
import type { Experiment } from './experiment';
import { measureUnlearning, type UnlearnMeasures } from './measure';
import { PAPER_TABLE1 } from './paper-000-table1';
import { seedTableToTable } from './results';
import { methodConfig, presetOf, SINGLE_ROUND_PRESETS, type PresetName, type SingleRoundPreset } from './presets';
import { describeForget, disposeScenario, prepareScenario, scenarioSizes, type ForgetRequest } from './scenario';

/** One method run on one seed and one forget request, with or without the Blend-reduced retain set. */
export interface SingleRoundRow extends UnlearnMeasures {
  seed: number;
  scenario: string;
  method: string;
  blend: boolean;
  /** Unlearning wall time (s), as the reference times it (the method call only). */
  seconds: number;
  /** Pre-processing seconds of the Blend variant (k-means, F-sampling, condensation); 0 without Blend. */
  kmeansSeconds: number;
  samplingSeconds: number;
  condensationSeconds: number;
  /** Training-set size the method saw (full retain or the reduced set). */
  retainUsed: number;
}

export interface SingleRoundResult {
  experiment: 'single-round';
  preset: PresetName;
  backend: string;
  rows: SingleRoundRow[];
  /** Mean and 95% CI over seeds, per method and scenario ('<method>' or '<method>+blend'). */
  table: SeedTable;
  /** Per scenario and seed: sizes, original model accuracy, reduced-retain ratio. */
  setups: { seed: number; scenario: string; sizes: Record<string, number>; originalTestAcc: number; originalSource: string; reducedRatio: number }[];
  seconds: number;
}

export interface SingleRoundOptions {
  preset: PresetName;
  /** Number of seeds (default: the preset's); seeds are 0..n-1. */
  seeds?: number;
  /** Methods to run (default: the preset's list). */
  methods?: string[];
  /** Forget requests (default: the preset's: 10% uniform and one class). */
  requests?: ForgetRequest[];
  /** Run each method without Blend, with Blend, or both (default both). */
  variants?: ('full' | 'blend')[];
  onProgress?: ProgressSink;
  /** One line per finished run (e.g. console.log). */
  log?: (line: string) => void;
  cacheDir?: string;
  dataDir?: string;
}

/** True when the partition was computed on exactly these sample ids (same training set). */
function coversExactly(p: Partition, ids: Int32Array): boolean {
  return p.clusterOf.size === ids.length && ids.every((id) => p.clusterOf.has(id));
}

function checkMethods(methods: string[]): void {
  if (methods.length === 0) throw new Error('single-round: no methods given; pass at least one (see unlearnerNames()).');
  for (const m of methods) getUnlearner(m);
}

/**
 * Tables 1-4 of the Blend/A-AMU paper (Sec. 4.3): for each seed and forget request, every method on
 * the full retain set and on the Blend-reduced retain set; retain / forget / test accuracy, MIA score,
 * unlearning time and the pre-processing time split.
 */
export async function runSingleRound(o: SingleRoundOptions): Promise<SingleRoundResult> {
  const p: SingleRoundPreset = presetOf(SINGLE_ROUND_PRESETS, o.preset, 'single-round');
  const methods = o.methods ?? p.methods;
  checkMethods(methods);
  const seeds = o.seeds ?? p.seeds;
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`single-round: seeds must be a positive integer, got ${o.seeds}.`);
  const variants = o.variants ?? ['full', 'blend'];
  const requests = o.requests ?? p.requests;
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const rows: SingleRoundRow[] = [];
  const setups: SingleRoundResult['setups'] = [];
  let backend = '';
  for (let seed = 0; seed < seeds; seed++) {
    // k-means runs once per seed; every forget request of that seed reuses the partition (and reports its time).
    let partition: { value: Partition; seconds: number } | null = null;
    for (const request of requests) {
      const s = await prepareScenario({ data: p.data, recipe: p.recipe, request, seed, onProgress: o.onProgress, cacheDir: o.cacheDir, dataDir: o.dataDir });
      backend = s.engine.backend;
      const scenario = describeForget(request);
      try {
        const timer = new PhaseTimer();
        let reduced: ReducedRetainSet | null = null;
        if (variants.includes('blend')) {
          if (partition == null || !coversExactly(partition.value, s.train.ids)) {
            const kt = new PhaseTimer();
            partition = { value: partitionDataset(s.train, { ...p.partition, seed, timer: kt }), seconds: kt.seconds('kmeans') };
          }
          timer.add('kmeans', partition.seconds);
          reduced = reduceRetainSet(s.train, partition.value, s.forget.ids, { ...p.blend, seed, timer });
        }
        const pre = timer.record();
        setups.push({
          seed,
          scenario,
          sizes: { ...scenarioSizes(s), ...(reduced ? { reducedRetain: size(reduced.dataset) } : {}) },
          originalTestAcc: 100 * s.originalTestAccuracy,
          originalSource: s.originalSource,
          reducedRatio: reduced?.ratio ?? NaN,
        });
        log(`seed ${seed}, ${scenario}: original test acc ${(100 * s.originalTestAccuracy).toFixed(2)}% (${s.originalSource})` +
          (reduced ? `, reduced retain ${size(reduced.dataset)}/${size(s.retain)} (${(100 * reduced.ratio).toFixed(1)}%)` : ''));
        for (const method of methods) {
          for (const variant of variants) {
            const retain = variant === 'blend' && reduced ? reduced.dataset : s.retain;
            const u = getUnlearner(method);
            const res = await u.run({
              original: s.original,
              retain,
              forget: s.forget,
              testPool: s.testPool,
              config: methodConfig(p.methodPreset, method, variant),
              seed,
              onProgress: o.onProgress,
            });
            try {
              const m = measureUnlearning(res.model, s, seed);
              const row: SingleRoundRow = {
                seed,
                scenario,
                method,
                blend: variant === 'blend',
                ...m,
                seconds: res.timing.seconds,
                kmeansSeconds: variant === 'blend' ? (pre.kmeans ?? 0) : 0,
                samplingSeconds: variant === 'blend' ? (pre.sampling ?? 0) : 0,
                condensationSeconds: variant === 'blend' ? (pre.condensation ?? 0) : 0,
                retainUsed: size(retain),
              };
              rows.push(row);
              log(`  ${method}${row.blend ? '+blend' : ''}: retain ${m.retainAcc.toFixed(2)} forget ${m.forgetAcc.toFixed(2)} ` +
                `test ${m.testAcc.toFixed(2)} MIA ${m.mia.toFixed(1)} time ${row.seconds.toFixed(1)}s`);
            } finally {
              res.model.dispose();
            }
          }
        }
      } finally {
        disposeScenario(s);
      }
    }
  }
  return { experiment: 'single-round', preset: o.preset, backend, rows, table: singleRoundTable(rows), setups, seconds: (performance.now() - t0) / 1000 };
}

/** Mean and 95% CI over seeds of every metric, one row per (method[+blend], scenario). */
export function singleRoundTable(rows: SingleRoundRow[]): SeedTable {
  const runs: RunRecord[] = rows.map((r) => ({
    method: r.blend ? `${r.method}+blend` : r.method,
    scenario: r.scenario,
    seed: r.seed,
    metrics: {
      retainAcc: r.retainAcc,
      forgetAcc: r.forgetAcc,
      testAcc: r.testAcc,
      mia: r.mia,
      seconds: r.seconds,
      preSeconds: r.kmeansSeconds + r.samplingSeconds + r.condensationSeconds,
    },
  }));
  return aggregateOverSeeds(runs);
}

const METRICS = ['retainAcc', 'forgetAcc', 'testAcc', 'mia', 'seconds', 'preSeconds'];

/** Ours (mean over seeds) beside the paper's Table 1 (ResNet-18 / CIFAR-10), per scenario, method and variant. */
export function paperComparisonTable(r: SingleRoundResult): Table {
  const rows: Cell[][] = [];
  for (const [kind, label] of [['uniform', 'uniform 10%'], ['class', 'class']] as const) {
    for (const [method, full, withBlend] of PAPER_TABLE1[kind]) {
      for (const [variant, paper] of [['', full], ['+blend', withBlend]] as const) {
        const ours = r.table.rows.find((x) => x.method === `${method}${variant}` && x.scenario.startsWith(label));
        if (ours == null) continue;
        const m = (k: string) => ours.cells[k]?.mean ?? null;
        rows.push([ours.scenario, `${method}${variant}`, m('mia'), paper.mia, m('retainAcc'), paper.retainAcc, m('forgetAcc'), paper.forgetAcc, m('testAcc'), paper.testAcc, m('seconds'), paper.seconds]);
      }
    }
  }
  return {
    title: 'Ours (Fashion-MNIST ConvNet unless gpu-paper) beside the paper (Table 1: ResNet-18 / CIFAR-10, GPU seconds)',
    columns: ['scenario', 'method', 'mia', 'paper mia', 'retainAcc', 'paper retainAcc', 'forgetAcc', 'paper forgetAcc', 'testAcc', 'paper testAcc', 'seconds', 'paper seconds'],
    rows,
  };
}

/** The Blend speed-up of each method: unlearning time without Blend / time with Blend (+ pre-processing). */
export function blendSpeedups(r: SingleRoundResult): Table {
  const rows: Cell[][] = [];
  for (const row of r.table.rows.filter((x) => !x.method.endsWith('+blend'))) {
    const b = r.table.rows.find((x) => x.method === `${row.method}+blend` && x.scenario === row.scenario);
    if (b == null) continue;
    const full = row.cells.seconds.mean;
    const unl = b.cells.seconds.mean;
    const pre = b.cells.preSeconds?.mean ?? 0;
    rows.push([row.scenario, row.method, full, unl, pre, full / unl, full / (unl + pre)]);
  }
  return {
    title: 'Unlearning time without / with Blend (s); the last column counts k-means, F-sampling and Blend too',
    columns: ['scenario', 'method', 'seconds', 'seconds +blend', 'pre-processing', 'speed-up', 'speed-up incl. pre-processing'],
    rows,
  };
}

export const singleRound: Experiment<SingleRoundResult> = {
  name: 'single-round',
  title: 'Blend/A-AMU paper (000), Sec. 4.3, Tables 1-4: single-round unlearning without and with Blend',
  run: (o) => {
    if (o.dataset || o.model) {
      throw new Error('single-round: --dataset/--model are set by the preset (smoke/cpu: fashion-mnist + convnet; gpu-paper: cifar10 + resnet18).');
    }
    return runSingleRound({ preset: o.preset, seeds: o.seeds, onProgress: o.onProgress, log: o.log, cacheDir: o.cacheDir, dataDir: o.dataDir });
  },
  output: (r) => {
    const tables: Record<string, Table> = {};
    for (const scenario of [...new Set(r.rows.map((x) => x.scenario))]) {
      const sub = { ...r.table, rows: r.table.rows.filter((x) => x.scenario === scenario) };
      tables[`table-${scenario.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}`] = seedTableToTable(sub, `${scenario} forgetting (mean +- 95% CI over ${r.table.rows[0]?.cells.mia.n ?? 0} seed(s))`, METRICS);
    }
    tables['speedups'] = blendSpeedups(r);
    tables['paper-comparison'] = paperComparisonTable(r);
    const figures = [...new Set(r.rows.map((x) => x.scenario))].map((scenario) => ({
      figure: metricBars(seedTableToTable({ ...r.table, rows: r.table.rows.filter((x) => x.scenario === scenario) }, undefined, ['forgetAcc', 'testAcc', 'mia']), {
        title: `${scenario}: forget / test accuracy and MIA score per method`,
      }),
      caption: `${scenario} forgetting, preset ${r.preset}`,
    }));
    return {
      title: singleRound.title,
      meta: [`preset ${r.preset}`, `backend ${r.backend}`, `${r.seconds.toFixed(0)} s in all`],
      result: r,
      tables,
      figures,
    };
  },
};

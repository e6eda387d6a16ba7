import { size, type Dataset } from '../../data/dataset';
import { loadDataset } from '../../data/loaders';
import { PhaseTimer } from '../../engine/timer';
import { blend } from '../../condense/blend';
import type { CondensedSet } from '../../condense/condensed';
import { distributionMatching } from '../../condense/dm';
import { evaluateCondensedSet } from '../../condense/evaluate-condensed';
import { gradientMatching } from '../../condense/gm';
import { improvedDistributionMatching } from '../../condense/idm';
import { partitionDataset } from '../../condense/partition';
import { ResultsTable, type RunRecord } from '../../results';
import { ProgressTracker } from '../../train/progress';
import type { RunOptions } from '../shared/experiment';
import { startRun } from '../shared/harness';
import { storeImages, type StoredImages } from '../shared/stored-images';
import { metricsOf } from '../shared/measure';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import { capped } from '../shared/scenario';
import {
  CONDENSATION_COMPARISON,
  CONDENSATION_METHODS,
  CONDENSATION_PRESETS,
  REFERENCE_ITERATIONS,
  type CondensationMethod,
  type CondensationPreset,
} from './settings';

/** One condensed set: a method at one IPC and seed. */
export interface CondensationRow {
  seed: number;
  ipc: number;
  method: CondensationMethod;
  images: number;
  /** Test accuracy (fraction) of a fresh model trained on the set (best epoch when the preset tracks it, else final). */
  testAcc: number;
  finalTestAcc: number;
  /** Condensation seconds (Blend: the blending only; k-means separately). */
  seconds: number;
  kmeansSeconds: number;
  iterations: number;
  referenceIterations: number;
  secondsPerIteration: number;
  /** Seconds at the reference iteration count, extrapolated from the measured time per iteration (Blend: k-means + blend as run). */
  projectedSeconds: number;
  evalEpochs: number;
  evalSeconds: number;
}

export interface CondensationComparisonResult {
  experiment: 'condensation-comparison';
  preset: PresetName;
  backend: string;
  dataset: string;
  trainSize: number;
  testSize: number;
  net: CondensationPreset['net'];
  methods: CondensationMethod[];
  rows: CondensationRow[];
  /** Mean and 95 % CI over seeds, one row per (method, 'IPC n'). */
  table: ResultsTable;
  /** Per IPC: baseline time / Blend time (k-means included), measured and projected to the reference iteration counts. */
  speedups: { ipc: number; method: CondensationMethod; measured: number; projected: number }[];
  notes: string[];
  seconds: number;
  /**
   * The first prototype of every class per method and IPC (seed 0), for the image grids; kept in
   * results.json, so the committed run redraws them. Older results have none.
   */
  prototypes?: { seed: number; ipc: number; method: CondensationMethod; classNames: string[]; images: StoredImages }[];
}

/** Positions of the first synthetic image of every class of a condensed set (class order). */
function firstPerClass(set: Dataset): number[] {
  return set.classNames.map((_, c) => set.labels.indexOf(c)).filter((p) => p >= 0);
}

async function condense(method: CondensationMethod, train: Dataset, ipc: number, seed: number, p: CondensationPreset): Promise<{ set: CondensedSet; kmeansSeconds: number }> {
  const its = p.iterations[method];
  if (method === 'blend') {
    // As the reference benchmark: k-means over the whole training set, every cluster blended (10 x IPC images).
    const timer = new PhaseTimer();
    const partition = await partitionDataset(train, { k: ipc, seed, extractor: p.net, timer, maxIter: p.kmeansMaxIter });
    const set = await blend(train, partition.clusters, { seed, ipc, iterations: its, extractorSpec: p.net, timer });
    return { set, kmeansSeconds: timer.seconds('kmeans') };
  }
  if (method === 'gm') {
    return { set: await gradientMatching(train, { ipc, seed, iterations: its, realBatchPerClass: p.realBatchPerClass, netSpec: p.net }), kmeansSeconds: 0 };
  }
  const common = { ipc, seed, iterations: its, realBatchPerClass: p.realBatchPerClass, extractorSpec: p.net };
  const set = await (method === 'dm' ? distributionMatching(train, common) : improvedDistributionMatching(train, common));
  return { set, kmeansSeconds: 0 };
}

/** Blend vs GM vs DM vs IDM at each IPC: condensed images, test accuracy of a fresh ConvNet trained on them, condensation time. */
export async function runCondensationComparison(o: RunOptions): Promise<CondensationComparisonResult> {
  const p = presetOf(CONDENSATION_PRESETS, o.preset);
  const run = await startRun(CONDENSATION_COMPARISON, o, { seeds: p.seeds });
  const dataset = o.dataset ?? p.data.dataset;
  const seeds = run.seedList.length;
  const dirOpt = o.dataDir ? { dir: o.dataDir } : {};
  const rows: CondensationRow[] = [];
  const prototypes: NonNullable<CondensationComparisonResult['prototypes']> = [];
  let trainSize = 0;
  let testSize = 0;
  const methods = [...CONDENSATION_METHODS];
  const progress = new ProgressTracker('condensation comparison', seeds * p.ipcs.length * methods.length, o.onProgress, 0);
  let done = 0;
  for (const seed of run.seedList) {
    const train = capped(loadDataset(dataset, 'train', dirOpt), p.data.trainPerClass, seed);
    const test = capped(loadDataset(dataset, 'test', dirOpt), p.data.testPerClass, seed);
    trainSize = size(train);
    testSize = size(test);
    for (const ipc of p.ipcs) {
      for (const method of methods) {
        progress.update(done, { info: { seed, ipc, method } }, true);
        const { set, kmeansSeconds } = await condense(method, train, ipc, seed, p);
        const ev = await evaluateCondensedSet(set.dataset, test, {
          seed,
          arch: p.net.arch,
          modelOptions: p.net.options,
          epochs: p.evalEpochs[method],
          trackBest: p.trackBest,
        });
        const its = p.iterations[method];
        const perIt = its > 0 ? set.seconds / its : NaN;
        const ref = REFERENCE_ITERATIONS[method];
        const row: CondensationRow = {
          seed,
          ipc,
          method,
          images: size(set.dataset),
          testAcc: p.trackBest && ev.bestTestAccuracy != null ? ev.bestTestAccuracy : ev.testAccuracy,
          finalTestAcc: ev.testAccuracy,
          seconds: set.seconds,
          kmeansSeconds,
          iterations: its,
          referenceIterations: ref,
          secondsPerIteration: perIt,
          projectedSeconds: method === 'blend' ? kmeansSeconds + set.seconds : perIt * ref,
          evalEpochs: ev.epochs,
          evalSeconds: ev.trainSeconds,
        };
        rows.push(row);
        progress.update(++done, { info: { seed, ipc, method } }, true);
        if (seed === 0) prototypes.push({ seed, ipc, method, classNames: set.dataset.classNames, images: storeImages(set.dataset, firstPerClass(set.dataset)) });
        run.log(`seed ${seed}, IPC ${ipc}, ${method}: ${row.images} images, test acc ${percent(row.testAcc).toFixed(2)}%, ` +
          `condensation ${row.seconds.toFixed(1)} s (${its} it)${kmeansSeconds ? ` + k-means ${kmeansSeconds.toFixed(1)} s` : ''}`);
      }
    }
  }
  return {
    experiment: 'condensation-comparison',
    preset: o.preset,
    backend: run.backend,
    dataset,
    trainSize,
    testSize,
    net: p.net,
    methods,
    rows,
    table: condensationTable(rows),
    speedups: condensationSpeedups(rows),
    notes: p.notes,
    seconds: run.seconds(),
    prototypes,
  };
}

/** Per IPC and baseline: its mean time over the seeds / Blend's (k-means included), measured and projected. */
export function condensationSpeedups(rows: readonly CondensationRow[]): CondensationComparisonResult['speedups'] {
  const speedups: CondensationComparisonResult['speedups'] = [];
  for (const ipc of [...new Set(rows.map((r) => r.ipc))]) {
    const mean = (m: CondensationMethod, f: (r: CondensationRow) => number) => {
      const rs = rows.filter((r) => r.ipc === ipc && r.method === m);
      return rs.reduce((a, r) => a + f(r), 0) / rs.length;
    };
    const blendTotal = mean('blend', (r) => r.seconds + r.kmeansSeconds);
    for (const m of [...new Set(rows.filter((r) => r.ipc === ipc && r.method !== 'blend').map((r) => r.method))]) {
      speedups.push({ ipc, method: m, measured: mean(m, (r) => r.seconds) / blendTotal, projected: mean(m, (r) => r.projectedSeconds) / blendTotal });
    }
  }
  return speedups;
}

/** Mean and 95 % CI over seeds, one row per (method, 'IPC n'). */
export function condensationTable(rows: CondensationRow[]): ResultsTable {
  const runs: RunRecord[] = rows.map((r) => ({
    method: r.method,
    scenario: `IPC ${r.ipc}`,
    seed: r.seed,
    // projectedSeconds is NaN (null in results.json) for a method run with 0 iterations: left out.
    metrics: metricsOf(r, ['testAcc', 'seconds', 'kmeansSeconds', 'projectedSeconds', 'images']),
  }));
  return ResultsTable.fromRuns(runs);
}

import { size, type Dataset } from '../../data/dataset';
import { loadDataset } from '../../data/loaders';
import { PhaseTimer } from '../../engine/timer';
import type { CondensedSet } from '../../condense/condensed';
import { distributionMatching } from '../../condense/dm';
import { evaluateCondensedSet } from '../../condense/evaluate-condensed';
import { fastDistributionMatching } from '../../condense/fast-dm';
import { gmBenchmark2024Settings, gradientMatching } from '../../condense/gm';
import { modelInversionCondensation } from '../../condense/model-inversion';
import { partitionDataset, type Partition } from '../../condense/partition';
import type { Classifier } from '../../models/classifier';
import { createModel } from '../../models/registry';
import { ResultsTable, type RunRecord } from '../../results';
import { accuracy } from '../../train/evaluate';
import { fit } from '../../train/fit';
import { ProgressTracker } from '../../train/progress';
import type { RunOptions } from '../shared/experiment';
import { startRun } from '../shared/harness';
import { metricsOf } from '../shared/measure';
import { percent } from '../shared/percent';
import { presetOf, type PresetName } from '../shared/presets';
import { capped } from '../shared/scenario';
import {
  BENCHMARK_DATASETS,
  BENCHMARK_METHODS,
  BENCHMARK_REFERENCE_ITERATIONS,
  CLUSTERING_METHODS,
  CONDENSATION_BENCHMARK,
  CONDENSATION_BENCHMARK_PRESETS,
  benchmarkIterations,
  type BenchmarkMethod,
  type CondensationBenchmarkPreset,
} from './settings';

/** One condensed set: a method at one IPC and seed, judged by a fresh MLP. */
export interface BenchmarkRow {
  seed: number;
  ipc: number;
  method: BenchmarkMethod;
  images: number;
  /** Accuracy (fraction) of the evaluator on the test split (our protocol). */
  testAcc: number;
  /** Accuracy (fraction) of the evaluator on the training split (what the reference reports as "test accuracy"). */
  trainAcc: number;
  /** The reported time: condensation plus, for FDM and MI, k-means (as the reference times it). */
  seconds: number;
  kmeansSeconds: number;
  condensationSeconds: number;
  iterations: number;
  referenceIterations: number;
  /** k-means plus the condensation time scaled to the reference's iteration count. */
  projectedSeconds: number;
  evalSeconds: number;
}

/** The pretrained reference net of one seed. */
export interface ReferenceNetRow {
  seed: number;
  trainAcc: number;
  testAcc: number;
  seconds: number;
}

export interface CondensationBenchmarkResult {
  experiment: 'condensation-benchmark';
  preset: PresetName;
  backend: string;
  dataset: string;
  trainSize: number;
  testSize: number;
  methods: BenchmarkMethod[];
  ipcs: number[];
  rows: BenchmarkRow[];
  references: ReferenceNetRow[];
  /** Mean and 95 % CI over seeds, one row per (method, 'IPC n'). */
  table: ResultsTable;
  notes: string[];
  seconds: number;
}

/** The preset with the run's --dataset, checked against the datasets the preset can run. */
export function benchmarkSettingFor(preset: PresetName, dataset?: string): CondensationBenchmarkPreset {
  const p = presetOf(CONDENSATION_BENCHMARK_PRESETS, preset);
  if (dataset == null) return p;
  const allowed = BENCHMARK_DATASETS[preset];
  if (!allowed.includes(dataset)) {
    throw new Error(`${CONDENSATION_BENCHMARK.name}: preset ${preset} runs ${allowed.join(' or ')}, not '${dataset}'. Pass --dataset ${allowed.join(' or --dataset ')}.`);
  }
  return { ...p, data: { ...p.data, dataset } };
}

/** The reference net: an MLP trained from scratch with the preset's recipe (Adam 1e-3, batch 256). The caller disposes it. */
async function trainReferenceNet(train: Dataset, p: CondensationBenchmarkPreset, seed: number): Promise<Classifier> {
  const r = p.reference;
  const model = createModel(r.model, { inputShape: train.shape, numClasses: train.classNames.length, seed, options: r.modelOptions });
  try {
    await fit(model, train, { epochs: r.epochs, batchSize: r.batchSize, lr: r.lr, optimizer: r.optimizer, schedule: r.schedule, seed, onProgress: () => undefined, task: `reference ${r.model}` });
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** One method's condensed set of `train` at `ipc` (FDM and MI condense the given k-means partition). */
async function condense(method: BenchmarkMethod, train: Dataset, partition: Partition, reference: Classifier, ipc: number, seed: number, p: CondensationBenchmarkPreset): Promise<CondensedSet> {
  if (method === 'fdm') return fastDistributionMatching(train, partition.clusters, { featureModel: reference, iterations: p.fdm.iterations, lr: p.fdm.lr });
  if (method === 'mi-lite' || method === 'mi-bulky') {
    const { epochs, lr, batchSize, bucketEpochs, bucketBatchSize, inverterHidden, bucketHidden } = p.mi;
    return modelInversionCondensation(train, partition.clusters, {
      seed,
      variant: method === 'mi-lite' ? 'lite' : 'bulky',
      classifier: reference,
      epochs,
      lr,
      batchSize,
      bucketEpochs,
      bucketBatchSize,
      ...(inverterHidden ? { inverterHidden } : {}),
      ...(bucketHidden ? { bucketHidden } : {}),
    });
  }
  if (method === 'dm') {
    return distributionMatching(train, { ipc, seed, iterations: p.dm.iterations, lr: p.dm.lr, imageOptimizer: { kind: 'adam' }, realBatchPerClass: p.dm.realBatchPerClass, dsa: [], featureModel: reference });
  }
  const g = p.gm;
  return gradientMatching(train, { ...gmBenchmark2024Settings, ipc, seed, iterations: g.iterations, lr: g.lr, netLr: g.netLr, realBatchPerClass: g.realBatchPerClass, trainBatch: g.trainBatch, init: 'noise', netSpec: g.net });
}

/**
 * The 2024 paper's DC benchmark (docs/reference/modular-2024.md#b10b): per seed a reference MLP is
 * pretrained; per IPC its features are clustered (K = IPC per class); FDM, MI-lite, MI-bulky, DM and GM each
 * condense the training set to IPC images per class; a fresh MLP trained on each set is measured on the test
 * and the training split.
 */
export async function runCondensationBenchmark(o: RunOptions): Promise<CondensationBenchmarkResult> {
  const p = benchmarkSettingFor(o.preset, o.dataset);
  const run = await startRun(CONDENSATION_BENCHMARK, o, { seeds: p.seeds });
  const dataset = p.data.dataset;
  const dirOpt = o.dataDir ? { dir: o.dataDir } : {};
  const methods = [...BENCHMARK_METHODS];
  const rows: BenchmarkRow[] = [];
  const references: ReferenceNetRow[] = [];
  let trainSize = 0;
  let testSize = 0;
  const progress = new ProgressTracker('condensation benchmark', run.seedList.length * p.ipcs.length * methods.length, o.onProgress, 0);
  let done = 0;
  for (const seed of run.seedList) {
    const train = capped(loadDataset(dataset, 'train', dirOpt), p.data.trainPerClass, seed);
    const test = capped(loadDataset(dataset, 'test', dirOpt), p.data.testPerClass, seed);
    trainSize = size(train);
    testSize = size(test);
    const t0 = performance.now();
    const reference = await trainReferenceNet(train, p, seed);
    try {
      const ref: ReferenceNetRow = { seed, trainAcc: await accuracy(reference, train), testAcc: await accuracy(reference, test), seconds: (performance.now() - t0) / 1000 };
      references.push(ref);
      run.log(`seed ${seed}: reference ${p.reference.model} ${JSON.stringify(p.reference.modelOptions)} train ${percent(ref.trainAcc).toFixed(2)}% test ${percent(ref.testAcc).toFixed(2)}% (${ref.seconds.toFixed(1)} s)`);
      for (const ipc of p.ipcs) {
        // k-means on the reference net's features, K = IPC clusters per class: FDM's and MI's clusters.
        const timer = new PhaseTimer();
        const partition = await partitionDataset(train, { k: ipc, seed, featureModel: reference, maxIter: p.kmeansMaxIter, timer });
        const kmeans = timer.seconds('kmeans');
        for (const method of methods) {
          progress.update(done, { info: { seed, ipc, method } }, true);
          const set = await condense(method, train, partition, reference, ipc, seed, p);
          const ev = await evaluateCondensedSet(set.dataset, test, {
            seed,
            arch: p.reference.model,
            modelOptions: p.reference.modelOptions,
            epochs: p.evaluator.epochs,
            lr: p.evaluator.lr,
            batchSize: p.evaluator.batchSize[method],
            optimizer: { kind: 'adam' },
            schedule: { kind: 'constant' },
            alsoOn: { train },
          });
          const its = benchmarkIterations(p, method);
          const refIts = BENCHMARK_REFERENCE_ITERATIONS[method];
          const kmeansSeconds = CLUSTERING_METHODS.includes(method) ? kmeans : 0;
          const row: BenchmarkRow = {
            seed,
            ipc,
            method,
            images: size(set.dataset),
            testAcc: ev.testAccuracy,
            trainAcc: ev.accuracies!.train,
            seconds: kmeansSeconds + set.seconds,
            kmeansSeconds,
            condensationSeconds: set.seconds,
            iterations: its,
            referenceIterations: refIts,
            projectedSeconds: kmeansSeconds + (its > 0 ? (set.seconds * refIts) / its : NaN),
            evalSeconds: ev.trainSeconds,
          };
          rows.push(row);
          progress.update(++done, { info: { seed, ipc, method } }, true);
          run.log(
            `seed ${seed}, IPC ${ipc}, ${method}: ${row.images} images, test ${percent(row.testAcc).toFixed(2)}% train ${percent(row.trainAcc).toFixed(2)}%, ` +
              `${row.seconds.toFixed(1)} s (${its} of ${refIts} it${kmeansSeconds ? `, k-means ${kmeansSeconds.toFixed(1)} s` : ''}; projected ${row.projectedSeconds.toFixed(0)} s)`,
          );
        }
      }
    } finally {
      reference.dispose();
    }
  }
  return {
    experiment: 'condensation-benchmark',
    preset: o.preset,
    backend: run.backend,
    dataset,
    trainSize,
    testSize,
    methods,
    ipcs: [...p.ipcs],
    rows,
    references,
    table: benchmarkTable(rows),
    notes: p.notes,
    seconds: run.seconds(),
  };
}

/** The metrics of the results table, in column order. */
export const BENCHMARK_METRICS = ['testAcc', 'trainAcc', 'seconds', 'kmeansSeconds', 'projectedSeconds', 'images'] as const;

/** Mean and 95 % CI over seeds, one row per (method, 'IPC n'). */
export function benchmarkTable(rows: BenchmarkRow[]): ResultsTable {
  const runs: RunRecord[] = rows.map((r) => ({
    method: r.method,
    scenario: `IPC ${r.ipc}`,
    seed: r.seed,
    // projectedSeconds is NaN (null in results.json) for a method run with 0 iterations: left out.
    metrics: metricsOf(r, BENCHMARK_METRICS),
  }));
  return ResultsTable.fromRuns(runs);
}

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { init } from '../../lib/engine/init';
import {
  BENCHMARK_METHODS,
  BENCHMARK_REFERENCE_ITERATIONS,
  CLUSTERING_METHODS,
  CONDENSATION_BENCHMARK_PRESETS,
  PAPER_002_DC_BENCHMARK,
  REFERENCE_BUCKET_EPOCHS,
  benchmarkIterations,
  benchmarkPaperTable,
  condensationBenchmark,
  type CondensationBenchmarkResult,
} from '../../lib/experiments/condensation-benchmark';
import { experimentNames } from '../../lib/experiments/registry';
import { formatCell, isMeanCi } from '../../lib/results';

describe('condensation-benchmark runner (smoke preset)', () => {
  let r: CondensationBenchmarkResult;
  let tensorsBefore = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await condensationBenchmark.run({ preset: 'smoke' });
  }, 90_000);

  it('condenses with every method at every IPC of the preset, 10 x IPC images each', () => {
    const p = CONDENSATION_BENCHMARK_PRESETS.smoke;
    expect(r.rows.length).toBe(p.ipcs.length * BENCHMARK_METHODS.length);
    for (const ipc of p.ipcs) {
      for (const m of BENCHMARK_METHODS) {
        const rows = r.rows.filter((x) => x.ipc === ipc && x.method === m);
        expect(rows.length, `${m} at IPC ${ipc}`).toBe(1);
        expect(rows[0].images).toBe(10 * ipc);
        expect(rows[0].iterations).toBe(benchmarkIterations(p, m));
        expect(rows[0].referenceIterations).toBe(BENCHMARK_REFERENCE_ITERATIONS[m]);
      }
    }
    expect(r.references.length).toBe(1);
  });

  it('reports accuracies as fractions on both splits, positive times that include k-means for the clustering methods, and projections', () => {
    for (const row of r.rows) {
      for (const acc of [row.testAcc, row.trainAcc]) {
        expect(acc).toBeGreaterThanOrEqual(0);
        expect(acc).toBeLessThanOrEqual(1);
      }
      expect(row.condensationSeconds).toBeGreaterThan(0);
      if (CLUSTERING_METHODS.includes(row.method)) {
        expect(row.kmeansSeconds, row.method).toBeGreaterThan(0);
        expect(row.seconds).toBeCloseTo(row.kmeansSeconds + row.condensationSeconds, 9);
      } else {
        expect(row.kmeansSeconds, row.method).toBe(0);
        expect(row.seconds).toBe(row.condensationSeconds);
      }
      expect(row.projectedSeconds).toBeCloseTo(row.kmeansSeconds + (row.condensationSeconds * row.referenceIterations) / row.iterations, 6);
    }
    // One k-means per seed and IPC, shared by FDM and both MI variants.
    for (const ipc of CONDENSATION_BENCHMARK_PRESETS.smoke.ipcs) {
      const ks = r.rows.filter((x) => x.ipc === ipc && CLUSTERING_METHODS.includes(x.method)).map((x) => x.kmeansSeconds);
      expect(new Set(ks).size).toBe(1);
    }
    // DM at 20,000 projected iterations must take longer than the 2 it ran.
    const dm = r.rows.find((x) => x.method === 'dm')!;
    expect(dm.projectedSeconds).toBeGreaterThan(dm.seconds);
  });

  it('beats chance (10 classes) with the sets that start from real data: FDM cluster means and DM', () => {
    // MI (1 inverter epoch) and GM (1 iteration from noise) are not expected to learn anything on smoke.
    for (const m of ['fdm', 'dm'] as const) {
      const mean = r.rows.filter((x) => x.method === m).reduce((s, x) => s + x.testAcc, 0) / CONDENSATION_BENCHMARK_PRESETS.smoke.ipcs.length;
      expect(mean, m).toBeGreaterThan(0.2);
    }
    expect(r.references[0].testAcc).toBeGreaterThan(0.2);
  });

  it('does not leak tensors', () => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('builds the method x IPC table with CIs, the paper table with its train-split column, and four figures', () => {
    const out = condensationBenchmark.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(['benchmark', 'paper', 'reference']);
    const t = out.tables.benchmark;
    expect(t.columns.slice(0, 5)).toEqual(['scenario', 'method', 'testAcc', 'trainAcc', 'seconds']);
    expect(t.rows.length).toBe(CONDENSATION_BENCHMARK_PRESETS.smoke.ipcs.length * BENCHMARK_METHODS.length);
    for (const row of t.rows) {
      const raw = r.rows.find((x) => `IPC ${x.ipc}` === row[0] && x.method === row[1])!;
      // Both accuracies rendered in percent.
      expect((row[2] as { mean: number }).mean).toBeCloseTo(100 * raw.testAcc, 9);
      expect((row[3] as { mean: number }).mean).toBeCloseTo(100 * raw.trainAcc, 9);
      for (const c of row.slice(2)) {
        expect(isMeanCi(c)).toBe(true);
        // One seed: no interval, never '± 0.00'.
        expect(formatCell(c)).toMatch(/\(n=1\)$/);
      }
    }
    const paper = benchmarkPaperTable(r);
    expect(paper.columns.some((c) => /TRAIN split/.test(c))).toBe(true);
    const fdm1 = paper.rows.find((x) => x[0] === 'IPC 1' && x[1] === 'fdm')!;
    expect(fdm1[4]).toBe(PAPER_002_DC_BENCHMARK.accuracy.fdm[1]);
    const row = r.rows.find((x) => x.ipc === 1 && x.method === 'fdm')!;
    expect((fdm1[2] as { mean: number }).mean).toBeCloseTo(100 * row.testAcc, 9);
    expect((fdm1[3] as { mean: number }).mean).toBeCloseTo(100 * row.trainAcc, 9);
    expect(paper.rows.find((x) => x[0] === 'IPC 1' && x[1] === 'mi-lite')![7]).toBe('333-349');
    // IPC 2 is not one of the paper's: no paper numbers.
    expect(paper.rows.filter((x) => x[0] === 'IPC 2').every((x) => x[4] === null && x[7] === null)).toBe(true);
    expect(out.figures!.length).toBe(4);
    expect(JSON.stringify(out.result).length).toBeLessThan(50_000);
  });

  it('rejects an unknown preset, a dataset the preset lacks and an option it does not declare with a clear message', async () => {
    await expect(condensationBenchmark.run({ preset: 'huge' as never })).rejects.toThrow(/Unknown preset 'huge'/);
    await expect(condensationBenchmark.run({ preset: 'smoke', dataset: 'cifar10' })).rejects.toThrow(/condensation-benchmark: preset smoke runs fashion-mnist, not 'cifar10'/);
    await expect(condensationBenchmark.run({ preset: 'smoke', methods: ['cf'] })).rejects.toThrow(/condensation-benchmark: --methods is not an option of this experiment.*It takes: --preset, --seeds, --dataset/);
  });
});

describe('condensation-benchmark settings', () => {
  it('is registered after condensation-comparison', () => {
    const names = experimentNames();
    expect(names.indexOf('condensation-benchmark')).toBe(names.indexOf('condensation-comparison') + 1);
  });

  it('runs the reference iteration counts in gpu-paper and the paper\'s IPCs in cpu, where every cut is stated in the notes', () => {
    const g = CONDENSATION_BENCHMARK_PRESETS['gpu-paper'];
    for (const m of BENCHMARK_METHODS) expect(benchmarkIterations(g, m), m).toBe(BENCHMARK_REFERENCE_ITERATIONS[m]);
    expect(g.mi.bucketEpochs).toBe(REFERENCE_BUCKET_EPOCHS);
    const c = CONDENSATION_BENCHMARK_PRESETS.cpu;
    const cuts = c.notes.join(' ');
    for (const m of BENCHMARK_METHODS) {
      const its = benchmarkIterations(c, m);
      if (its < BENCHMARK_REFERENCE_ITERATIONS[m]) expect(cuts, m).toContain(`${its} of ${BENCHMARK_REFERENCE_ITERATIONS[m].toLocaleString('en-US')}`);
    }
    expect(c.ipcs).toEqual(PAPER_002_DC_BENCHMARK.ipcs);
  });
});

import * as tf from '@tensorflow/tfjs';
import { size, subsetByIndex, type Dataset } from '../data/dataset';
import { batchTensors } from '../data/batches';
import { Rng } from '../engine/rng';
import { jStat } from '../metrics/jstat';
import { gaussianisedLosses, miaRegulariser } from '../metrics/mia-regulariser';
import type { Classifier } from '../models/classifier';
import { lossDensity } from '../plot/loss-density';
import { lossHistogram } from '../plot/loss-histogram';
import { metricLines } from '../plot/metric-lines';
import { probitLossDistribution } from '../plot/probit';
import type { Figure } from '../plot/figure';
import type { Cell, Table } from '../report/table';
import { predict } from '../train/evaluate';
import { perSampleCrossEntropy } from '../train/losses';
import type { ProgressSink } from '../train/progress';
import { ClassIndex, SubsetSampler } from '../unlearn/common/samplers';
import { getUnlearner } from '../unlearn/registry';
import type { Experiment } from './experiment';
import { measureUnlearning, type UnlearnMeasures } from './measure';
import { PAPER_TABLE1 } from './paper-000-table1';
import { methodConfig, presetOf, SINGLE_ROUND_PRESETS, type BlendPaperSetting, type PresetName } from './presets';
import { disposeScenario, prepareScenario, scenarioSizes, type Scenario } from './scenario';

/**
 * Sec. 3.4 of the Blend/A-AMU paper (000) taken apart: the A-AMU regulariser step by step on the
 * original model, forget vs test loss distributions before and after CF and A-CF, a small k / lambda
 * sweep, and the A-CF vs CF speed-up (time for A-CF to reach CF's forgetting).
 */

export interface AamuAnatomyPreset {
  /** Data, original-model recipe and method preset: the single-round setting, so cached models are shared. */
  setting: BlendPaperSetting;
  /** Forget and class-matched test samples in the step-by-step anatomy (one A-AMU step draws 256 each). */
  anatomySamples: number;
  /** Sigmoid slopes k of the smoothed CDF tried in the sweep (lambda at its default). */
  kValues: number[];
  /** Regulariser weights lambda tried in the sweep (k at its default); 0 = the squared main loss alone. */
  lambdaValues: number[];
  /**
   * Shares of the retain set at which A-CF is stopped for the speed-up measurement (1 = the full epoch).
   * Stopping after S steps of a shuffled pass = one pass over a uniformly random subset of 64*S retain samples.
   */
  speedFractions: number[];
  /** Share of the epoch each sweep run trains for (a random retain subset, as the speed checkpoints); 1 = full epoch. */
  sweepFraction: number;
  /** "Reached CF's forgetting": MIA within this many points of CF's final MIA (2). */
  tolerance: number;
}

export const AAMU_ANATOMY_PRESETS: Record<PresetName, AamuAnatomyPreset> = {
  smoke: { setting: SINGLE_ROUND_PRESETS.smoke, anatomySamples: 64, kValues: [0.5, 2], lambdaValues: [0, 34], speedFractions: [0.5, 1], sweepFraction: 1, tolerance: 2 },
  // One A-CF epoch costs about 6 CF epochs here (256 forget + 256 test samples per 64-sample retain step), so the
  // sweep trains a quarter epoch per setting to keep the run near 10 minutes on 2 cores.
  cpu: {
    setting: SINGLE_ROUND_PRESETS.cpu,
    anatomySamples: 256,
    kValues: [0.5, 2, 8],
    lambdaValues: [0, 34, 100],
    speedFractions: [0.125, 0.25, 0.5, 1],
    sweepFraction: 0.25,
    tolerance: 2,
  },
  'gpu-paper': {
    setting: SINGLE_ROUND_PRESETS['gpu-paper'],
    anatomySamples: 256,
    kValues: [0.5, 1, 2, 4, 8],
    lambdaValues: [0, 10, 34, 100],
    speedFractions: [0.0625, 0.125, 0.25, 0.5, 1],
    sweepFraction: 1,
    tolerance: 2,
  },
};

/**
 * The paper's A-AMU numbers: Table 1 (ResNet-18 / CIFAR-10, full retain set) CF vs A-CF, the speed-up
 * they imply, and the default k, lambda (spec A6).
 */
export const PAPER_AAMU = {
  table1: {
    uniform: { cf: PAPER_TABLE1.uniform.find((r) => r[0] === 'cf')![1], aCf: PAPER_TABLE1.uniform.find((r) => r[0] === 'a-cf')![1] },
    class: { cf: PAPER_TABLE1.class.find((r) => r[0] === 'cf')![1], aCf: PAPER_TABLE1.class.find((r) => r[0] === 'a-cf')![1] },
  },
  /** CF time / A-CF time in Table 1 (561.76 / 76.24 uniform; 577.81 / 75.76 class): "about 7.5x". */
  speedupUniform: 561.76 / 76.24,
  speedupClass: 577.81 / 75.76,
  k: 2,
  lambda: 34,
};

/** One set's values at every stage of the regulariser (spec A6 step 4). */
export interface AnatomySet {
  /** Per-sample cross-entropy of the original model. */
  loss: number[];
  /** u = log(1 + loss). */
  log1p: number[];
  /** Smoothed within-set CDF F_i (reference form with the ReLU), recovered as Phi(z). */
  cdf: number[];
  /** z = probit(F): the Gaussianised loss the MMD compares (reference form, z >= 0). */
  z: number[];
  /** z of the paper's formula (no ReLU: F in (0,1), z centred near 0). */
  zPaper: number[];
}

export interface AnatomySteps {
  k: number;
  sigma: number;
  forget: AnatomySet;
  test: AnatomySet;
  /** Kernel means of the biased MMD^2 = ff + tt - 2 ft (reference form). */
  kernel: { ff: number; tt: number; ft: number };
  /** miaRegulariser's value (reference form) and with the paper's formula. */
  mmd: number;
  mmdPaper: number;
}

export interface ModelLosses extends UnlearnMeasures {
  name: string;
  seconds: number;
  /** Per-sample CE on the whole forget set and on the evaluation test split. */
  forgetLosses: number[];
  testLosses: number[];
  /** miaRegulariser on anatomySamples random forget vs test-split samples (what A-AMU drives to 0). */
  mmd: number;
}

export interface SweepRow extends UnlearnMeasures {
  parameter: 'k' | 'lambda';
  value: number;
  /** Share of the A-CF epoch the run trained for. */
  fraction: number;
  seconds: number;
}

export interface SpeedCheckpoint extends UnlearnMeasures {
  fraction: number;
  steps: number;
  retainSamples: number;
  seconds: number;
}

export interface SpeedMeasurement {
  cfSeconds: number;
  cfMia: number;
  cfEpochs: number;
  originalMia: number;
  tolerance: number;
  checkpoints: SpeedCheckpoint[];
  /** First checkpoint whose MIA is within `tolerance` of CF's final MIA; null when none is. */
  reached: SpeedCheckpoint | null;
  /** CF seconds / seconds of the first checkpoint that reached CF's MIA (NaN when none did). */
  ratio: number;
  /** CF seconds / seconds of the full A-CF epoch (what Table 1's time columns compare). */
  fullRatio: number;
  /** True when the original model is already within tolerance of CF's MIA (the criterion says nothing then). */
  trivial: boolean;
}

export interface AamuAnatomyResult {
  experiment: 'aamu-anatomy';
  preset: PresetName;
  backend: string;
  seed: number;
  sizes: Record<string, number>;
  originalTestAcc: number;
  originalSource: string;
  anatomy: AnatomySteps;
  models: ModelLosses[];
  sweep: SweepRow[];
  speed: SpeedMeasurement;
  seconds: number;
}

export interface AamuAnatomyOptions {
  preset: PresetName;
  seed?: number;
  onProgress?: ProgressSink;
  log?: (line: string) => void;
  cacheDir?: string;
  dataDir?: string;
}

const round5 = (v: number) => Math.round(v * 1e5) / 1e5;
const arr = (a: ArrayLike<number>) => Array.from(a, round5);

/** Per-sample CE of `model` (evaluation mode) on the given positions of `ds`, as a 1-D tensor. */
function lossesOf(model: Classifier, ds: Dataset, positions: Int32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const { x, y } = batchTensors(ds, positions);
    return perSampleCrossEntropy(model.predict(x), y);
  });
}

function anatomySet(losses: tf.Tensor1D, k: number): AnatomySet {
  const loss = Array.from(losses.dataSync());
  const z = tf.tidy(() => Array.from(gaussianisedLosses(losses, k, true).dataSync()));
  const zPaper = tf.tidy(() => Array.from(gaussianisedLosses(losses, k, false).dataSync()));
  return {
    loss: arr(loss),
    log1p: arr(loss.map((c) => Math.log(1 + c + 1e-8))),
    // probit is monotone, so Phi(z) is exactly the smoothed CDF the regulariser computed (z never hits the clip).
    cdf: arr(z.map((v) => jStat.normal.cdf(v, 0, 1))),
    z: arr(z),
    zPaper: arr(zPaper),
  };
}

function meanKernel(a: number[], b: number[], sigma: number): number {
  let s = 0;
  for (const x of a) for (const y of b) s += Math.exp(-((x - y) ** 2) / (2 * sigma * sigma));
  return s / (a.length * b.length);
}

/**
 * The regulariser of one A-AMU step on the original model: a random forget sample and a test-pool sample
 * restricted to its classes (as A-AMU draws them), each through log1p -> smoothed CDF -> probit, then MMD^2.
 */
export function regulariserAnatomy(model: Classifier, forget: Dataset, testPool: Dataset, o: { samples: number; seed: number | string; k?: number; sigma?: number }): AnatomySteps {
  if (!Number.isInteger(o.samples) || o.samples < 2) throw new Error(`regulariserAnatomy: samples must be an integer >= 2, got ${o.samples}.`);
  if (size(forget) < 2) throw new Error(`regulariserAnatomy: the forget set has ${size(forget)} samples; need at least 2.`);
  const k = o.k ?? 2;
  const sigma = o.sigma ?? 1;
  const rng = new Rng(o.seed).fork('aamu-anatomy');
  const fIdx = new SubsetSampler(Int32Array.from({ length: size(forget) }, (_, i) => i)).draw(Math.min(o.samples, size(forget)), rng);
  const classes = new Set(Array.from(fIdx, (i) => forget.labels[i]));
  const testSampler = new ClassIndex(testPool).samplerFor(classes);
  if (testSampler.size < 2) throw new Error(`regulariserAnatomy: the test pool has ${testSampler.size} samples of the forget classes; pass a class-matched test pool.`);
  const tIdx = testSampler.draw(Math.min(o.samples, testSampler.size), rng);
  const lf = lossesOf(model, forget, fIdx);
  const lt = lossesOf(model, testPool, tIdx);
  try {
    const f = anatomySet(lf, k);
    const t = anatomySet(lt, k);
    const mmd = tf.tidy(() => miaRegulariser(lf, lt, { k, sigma }).dataSync()[0]);
    const mmdPaper = tf.tidy(() => miaRegulariser(lf, lt, { k, sigma, referenceRelu: false }).dataSync()[0]);
    return { k, sigma, forget: f, test: t, kernel: { ff: meanKernel(f.z, f.z, sigma), tt: meanKernel(t.z, t.z, sigma), ft: meanKernel(f.z, t.z, sigma) }, mmd, mmdPaper };
  } finally {
    lf.dispose();
    lt.dispose();
  }
}

/** miaRegulariser on `n` random forget vs `n` random evaluation-split samples of the classes in the forget draw. */
function regulariserValue(model: Classifier, forget: Dataset, test: Dataset, n: number, seed: number | string): number {
  return regulariserAnatomy(model, forget, test, { samples: n, seed }).mmd;
}

function modelLosses(name: string, model: Classifier, s: Scenario, seconds: number, samples: number): ModelLosses {
  return {
    name,
    seconds,
    ...measureUnlearning(model, s, s.seed),
    forgetLosses: arr(predict(model, s.forget).losses),
    testLosses: arr(predict(model, s.testEval).losses),
    mmd: regulariserValue(model, s.forget, s.testEval, samples, `${s.seed}/mmd-${name}`),
  };
}

/** Runs one method on (a subset of) the retain set and measures it; the model is freed. */
async function runMeasured(s: Scenario, method: string, config: Record<string, unknown>, retain: Dataset, onProgress?: ProgressSink) {
  const res = await getUnlearner(method).run({ original: s.original, retain, forget: s.forget, testPool: s.testPool, config, seed: s.seed, onProgress });
  return { res, dispose: () => res.model.dispose() };
}

function checkPreset(p: AamuAnatomyPreset): void {
  if (p.speedFractions.length === 0 || p.speedFractions.some((f) => !(f > 0 && f <= 1))) {
    throw new Error(`aamu-anatomy: speedFractions must be in (0, 1], got [${p.speedFractions.join(', ')}].`);
  }
  if (!p.speedFractions.includes(1)) throw new Error('aamu-anatomy: speedFractions must include 1 (the full A-CF epoch).');
  if (!(p.sweepFraction > 0 && p.sweepFraction <= 1)) throw new Error(`aamu-anatomy: sweepFraction must be in (0, 1], got ${p.sweepFraction}.`);
}

/** Runs the whole anatomy on one seed (10% uniform forgetting). */
export async function runAamuAnatomy(o: AamuAnatomyOptions): Promise<AamuAnatomyResult> {
  const p = presetOf(AAMU_ANATOMY_PRESETS, o.preset, 'aamu-anatomy');
  checkPreset(p);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`aamu-anatomy: seed must be a non-negative integer, got ${o.seed}.`);
  const log = o.log ?? (() => {});
  const t0 = performance.now();
  const st = p.setting;
  const s = await prepareScenario({ data: st.data, recipe: st.recipe, request: { kind: 'uniform', fraction: 0.1 }, seed, onProgress: o.onProgress, cacheDir: o.cacheDir, dataDir: o.dataDir });
  try {
    const cfConfig = methodConfig(st.methodPreset, 'cf');
    const aCfConfig = methodConfig(st.methodPreset, 'a-cf');
    const anatomy = regulariserAnatomy(s.original, s.forget, s.testPool, { samples: p.anatomySamples, seed });
    log(`anatomy: MMD^2 on the original model ${anatomy.mmd.toFixed(4)} (paper formula ${anatomy.mmdPaper.toFixed(4)})`);
    const models: ModelLosses[] = [modelLosses('original', s.original, s, 0, p.anatomySamples)];
    const cf = await runMeasured(s, 'cf', cfConfig, s.retain, o.onProgress);
    try {
      models.push(modelLosses('cf', cf.res.model, s, cf.res.timing.seconds, p.anatomySamples));
    } finally {
      cf.dispose();
    }
    const aCf = await runMeasured(s, 'a-cf', aCfConfig, s.retain, o.onProgress);
    let aCfFull: SpeedCheckpoint;
    const kDefault = Number(aCf.res.config.k);
    const lambdaDefault = Number(aCf.res.config.lambda);
    const batchSize = Number(aCf.res.config.batchSize);
    try {
      const m = modelLosses('a-cf', aCf.res.model, s, aCf.res.timing.seconds, p.anatomySamples);
      models.push(m);
      aCfFull = { fraction: 1, steps: Math.ceil(size(s.retain) / batchSize), retainSamples: size(s.retain), seconds: m.seconds, retainAcc: m.retainAcc, forgetAcc: m.forgetAcc, testAcc: m.testAcc, mia: m.mia };
    } finally {
      aCf.dispose();
    }
    for (const m of models) log(`${m.name}: retain ${m.retainAcc.toFixed(2)} forget ${m.forgetAcc.toFixed(2)} test ${m.testAcc.toFixed(2)} MIA ${m.mia.toFixed(1)} MMD^2 ${m.mmd.toFixed(4)} time ${m.seconds.toFixed(1)}s`);

    // Speed-up: A-CF stopped after a share of its epoch (= one pass over a random retain subset of that size).
    const subsetRng = new Rng(seed).fork('aamu-speed');
    const subsets = new Map<number, Dataset>();
    const subsetOf = (fraction: number): Dataset => {
      if (fraction === 1) return s.retain;
      let d = subsets.get(fraction);
      if (d == null) {
        const n = Math.max(1, Math.round(fraction * size(s.retain)));
        d = subsetByIndex(s.retain, subsetRng.fork(`f${fraction}`).permutation(size(s.retain)).subarray(0, n));
        subsets.set(fraction, d);
      }
      return d;
    };
    const checkpoints: SpeedCheckpoint[] = [];
    for (const fraction of [...p.speedFractions].sort((a, b) => a - b)) {
      if (fraction === 1) {
        checkpoints.push(aCfFull);
        continue;
      }
      const subset = subsetOf(fraction);
      const n = size(subset);
      const run = await runMeasured(s, 'a-cf', aCfConfig, subset, o.onProgress);
      try {
        checkpoints.push({ fraction, steps: Math.ceil(n / batchSize), retainSamples: n, seconds: run.res.timing.seconds, ...measureUnlearning(run.res.model, s, seed) });
      } finally {
        run.dispose();
      }
      const c = checkpoints[checkpoints.length - 1];
      log(`a-cf stopped after ${c.steps} steps: MIA ${c.mia.toFixed(1)} forget ${c.forgetAcc.toFixed(2)} time ${c.seconds.toFixed(1)}s`);
    }

    // k / lambda sweep: A-CF with one setting changed, trained on the sweep share of the epoch; the default
    // point reuses the speed checkpoint of that share (same subset, same seed: the same run).
    const sweep: SweepRow[] = [];
    const base = checkpoints.find((c) => c.fraction === p.sweepFraction);
    const sweepData = subsetOf(p.sweepFraction);
    for (const [parameter, values, dflt] of [['k', p.kValues, kDefault], ['lambda', p.lambdaValues, lambdaDefault]] as const) {
      for (const value of values) {
        if (value === dflt && base) {
          sweep.push({ parameter, value, fraction: p.sweepFraction, seconds: base.seconds, retainAcc: base.retainAcc, forgetAcc: base.forgetAcc, testAcc: base.testAcc, mia: base.mia });
          continue;
        }
        const run = await runMeasured(s, 'a-cf', { ...aCfConfig, [parameter]: value }, sweepData, o.onProgress);
        try {
          sweep.push({ parameter, value, fraction: p.sweepFraction, seconds: run.res.timing.seconds, ...measureUnlearning(run.res.model, s, seed) });
        } finally {
          run.dispose();
        }
        const r = sweep[sweep.length - 1];
        log(`a-cf ${parameter}=${value}: forget ${r.forgetAcc.toFixed(2)} test ${r.testAcc.toFixed(2)} MIA ${r.mia.toFixed(1)} time ${r.seconds.toFixed(1)}s`);
      }
    }
    const cfm = models[1];
    const reached = checkpoints.find((c) => Math.abs(c.mia - cfm.mia) <= p.tolerance) ?? null;
    const speed: SpeedMeasurement = {
      cfSeconds: cfm.seconds,
      cfMia: cfm.mia,
      cfEpochs: Number(cfConfig.epochs ?? NaN),
      originalMia: models[0].mia,
      tolerance: p.tolerance,
      checkpoints,
      reached,
      ratio: reached ? cfm.seconds / reached.seconds : NaN,
      fullRatio: cfm.seconds / aCfFull.seconds,
      trivial: Math.abs(models[0].mia - cfm.mia) <= p.tolerance,
    };
    log(`speed-up: A-CF reached CF's MIA (${cfm.mia.toFixed(1)} +- ${p.tolerance}) ` +
      (reached ? `after ${reached.steps} steps, ${reached.seconds.toFixed(1)}s: ${speed.ratio.toFixed(2)}x` : 'at no checkpoint') +
      `; full epoch ${speed.fullRatio.toFixed(2)}x`);
    return {
      experiment: 'aamu-anatomy',
      preset: o.preset,
      backend: s.engine.backend,
      seed,
      sizes: scenarioSizes(s),
      originalTestAcc: 100 * s.originalTestAccuracy,
      originalSource: s.originalSource,
      anatomy,
      models,
      sweep,
      speed,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    disposeScenario(s);
  }
}

// ---- tables and figures ----------------------------------------------------------------------

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
    rows: r.models.map((m) => [m.name, m.retainAcc, m.forgetAcc, m.testAcc, m.mia, m.mmd, m.seconds]),
  };
}

function fractionText(f: number): string {
  return f === 1 ? '1 epoch' : `${f} of an epoch`;
}

export function sweepTable(r: AamuAnatomyResult, parameter: 'k' | 'lambda'): Table {
  return {
    title: `A-CF with ${parameter} varied (${parameter === 'k' ? `lambda = ${PAPER_AAMU.lambda}` : `k = ${PAPER_AAMU.k}`}; ${fractionText(r.sweep[0]?.fraction ?? 1)})`,
    columns: [parameter, 'mia', 'forgetAcc', 'testAcc', 'retainAcc', 'seconds'],
    rows: r.sweep.filter((x) => x.parameter === parameter).map((x) => [x.value, x.mia, x.forgetAcc, x.testAcc, x.retainAcc, x.seconds]),
  };
}

export function speedTable(r: AamuAnatomyResult): Table {
  const sp = r.speed;
  return {
    title: `A-CF stopped early vs CF's final MIA ${sp.cfMia.toFixed(2)} (+- ${sp.tolerance}) after ${sp.cfSeconds.toFixed(1)} s`,
    columns: ['fraction of epoch', 'steps', 'seconds', 'mia', 'forgetAcc', 'testAcc', 'cf final mia', 'within tolerance', 'cf seconds / seconds'],
    rows: sp.checkpoints.map((c) => [c.fraction, c.steps, c.seconds, c.mia, c.forgetAcc, c.testAcc, sp.cfMia, Math.abs(c.mia - sp.cfMia) <= sp.tolerance ? 'yes' : 'no', sp.cfSeconds / c.seconds]),
  };
}

/** Ours beside Table 1 of the paper (ResNet-18 / CIFAR-10, uniform 10%, full retain set) and the speed-up. */
export function aamuPaperComparison(r: AamuAnatomyResult): Table {
  const cf = r.models.find((m) => m.name === 'cf')!;
  const a = r.models.find((m) => m.name === 'a-cf')!;
  const pc = PAPER_AAMU.table1.uniform.cf;
  const pa = PAPER_AAMU.table1.uniform.aCf;
  const rows: Cell[][] = [
    ['CF', cf.mia, pc.mia, cf.retainAcc, pc.retainAcc, cf.forgetAcc, pc.forgetAcc, cf.testAcc, pc.testAcc, cf.seconds, pc.seconds],
    ['A-CF', a.mia, pa.mia, a.retainAcc, pa.retainAcc, a.forgetAcc, pa.forgetAcc, a.testAcc, pa.testAcc, a.seconds, pa.seconds],
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
      `forget accuracy ${a.forgetAcc.toFixed(1)} vs ${cf.forgetAcc.toFixed(1)} (paper ${PAPER_AAMU.table1.uniform.aCf.forgetAcc} vs ${PAPER_AAMU.table1.uniform.cf.forgetAcc}), ` +
      `test accuracy ${a.testAcc.toFixed(1)} vs ${cf.testAcc.toFixed(1)} (paper ${PAPER_AAMU.table1.uniform.aCf.testAcc} vs ${PAPER_AAMU.table1.uniform.cf.testAcc}).`,
    `Time: CF ${cf.seconds.toFixed(1)} s (${sp.cfEpochs} epochs) vs one A-CF epoch ${a.seconds.toFixed(1)} s: ${sp.fullRatio.toFixed(2)}x (paper ${PAPER_AAMU.speedupUniform.toFixed(2)}x with CF at 50 epochs).`,
    sp.reached
      ? `A-CF came within ${sp.tolerance} MIA points of CF's final MIA after ${sp.reached.steps} steps (${(100 * sp.reached.fraction).toFixed(1)}% of its epoch, ${sp.reached.seconds.toFixed(1)} s): ${sp.ratio.toFixed(2)}x faster than CF.` +
        (sp.trivial ? ` The original model's MIA (${sp.originalMia.toFixed(1)}) was already that close, so this says little about forgetting.` : '')
      : `A-CF never came within ${sp.tolerance} MIA points of CF's final MIA (${sp.cfMia.toFixed(1)}) at the measured checkpoints.`,
    `Regulariser on the original model: MMD^2 ${r.anatomy.mmd.toFixed(4)}; after CF ${cf.mmd.toFixed(4)}, after A-CF ${a.mmd.toFixed(4)}.`,
  ];
  return lines;
}

/** Every figure of the anatomy, by name (notebook cells show them one by one). */
export function aamuAnatomyFigures(r: AamuAnatomyResult): Record<string, Figure> {
  const a = r.anatomy;
  const pair = (key: keyof AnatomySet) => ({ forget: a.forget[key], test: a.test[key] });
  const figs: Record<string, Figure> = {
    rawLosses: lossHistogram(pair('loss'), { title: 'Step 1: per-sample CE of the original model (forget vs class-matched test)', bins: 40 }),
    log1pLosses: lossDensity(pair('log1p'), { title: 'Step 2: u = log(1 + CE)', xTitle: 'log(1 + CE)' }),
    smoothedCdf: lossHistogram(pair('cdf'), { title: `Step 3: smoothed within-set CDF (k = ${a.k}, reference ReLU: values in [0.5, 1))`, xTitle: 'F_i', bins: 40 }),
    gaussianised: lossHistogram(pair('z'), { title: `Step 4: z = probit(F) (reference form); MMD^2 = ${a.mmd.toFixed(4)}`, xTitle: 'z', bins: 40 }),
    gaussianisedPaper: lossHistogram(pair('zPaper'), { title: `Step 4, paper formula (no ReLU): MMD^2 = ${a.mmdPaper.toFixed(4)}`, xTitle: 'z', bins: 40 }),
    probitOwnCdf: probitLossDistribution(pair('loss'), { reference: 'own', title: 'Exact PIT + probit per set (the K -> infinity limit)' }),
  };
  for (const m of r.models) {
    figs[`losses-${m.name}`] = lossDensity(
      { forget: m.forgetLosses.map((c) => Math.log1p(c)), test: m.testLosses.map((c) => Math.log1p(c)) },
      { title: `${m.name}: log(1 + CE), forget vs test split (MIA ${m.mia.toFixed(1)})`, xTitle: 'log(1 + CE)' },
    );
  }
  figs.sweepK = metricLines(sweepTable(r, 'k'), { metrics: ['mia', 'forgetAcc', 'testAcc'], title: 'A-CF vs k (sigmoid slope)', logX: true });
  figs.sweepLambda = metricLines(sweepTable(r, 'lambda'), { metrics: ['mia', 'forgetAcc', 'testAcc'], title: 'A-CF vs lambda (regulariser weight)' });
  figs.speed = metricLines(speedTable(r), { xColumn: 'seconds', metrics: ['mia', 'cf final mia'], title: 'A-CF MIA when stopped early vs CF\'s final MIA', yTitle: 'MIA score' });
  return figs;
}

export const aamuAnatomy: Experiment<AamuAnatomyResult> = {
  name: 'aamu-anatomy',
  title: 'Blend/A-AMU paper (000), Sec. 3.4: the A-AMU regulariser step by step, CF vs A-CF, k / lambda, speed-up',
  run: async (o) => {
    if (o.dataset || o.model) throw new Error('aamu-anatomy: --dataset/--model are set by the preset (smoke/cpu: fashion-mnist + convnet; gpu-paper: cifar10 + resnet18).');
    if (o.seeds != null && o.seeds !== 1) throw new Error(`aamu-anatomy: runs one seed (seed 0); got seeds = ${o.seeds}. Leave --seeds out.`);
    return runAamuAnatomy({ preset: o.preset, onProgress: o.onProgress, log: o.log, cacheDir: o.cacheDir, dataDir: o.dataDir });
  },
  output: (r) => {
    const figs = aamuAnatomyFigures(r);
    return {
      title: aamuAnatomy.title,
      meta: [`preset ${r.preset}`, `backend ${r.backend}`, `seed ${r.seed}`, `original test acc ${r.originalTestAcc.toFixed(2)}% (${r.originalSource})`, `${r.seconds.toFixed(0)} s in all`],
      result: r,
      tables: {
        anatomy: anatomyTable(r.anatomy),
        models: modelsTable(r),
        'sweep-k': sweepTable(r, 'k'),
        'sweep-lambda': sweepTable(r, 'lambda'),
        speed: speedTable(r),
        'paper-comparison': aamuPaperComparison(r),
      },
      figures: Object.entries(figs).map(([name, figure]) => ({ figure, caption: name })),
      notes: [
        'Speed-up measurement: A-CF stopped after S steps of its shuffled epoch is the same as one A-CF pass over a uniformly random ' +
          'subset of 64*S retain samples, so each checkpoint is a separate, separately timed A-CF run on such a subset. A checkpoint ' +
          "reaches CF's forgetting when its MIA score is within the tolerance of CF's final MIA; the ratio is CF's total time over that run's time.",
        ...aamuComparisonText(r),
      ],
    };
  },
};

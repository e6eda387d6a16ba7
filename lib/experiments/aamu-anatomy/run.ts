import { size, subsetByIndex, type Dataset } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import type { Classifier } from '../../models/classifier';
import { predict } from '../../train/evaluate';
import type { ProgressSink } from '../../train/progress';
import { HEALTHY, type RunHealth, type UnlearnResult } from '../../unlearn';
import type { RunOptions } from '../shared/experiment';
import { startRun, withUnlearned } from '../shared/harness';
import { measureUnlearning, type UnlearnMeasures } from '../shared/measure';
import { percent } from '../shared/percent';
import { methodConfig, presetOf, type PresetName } from '../shared/presets';
import { scenarioSizes, type Scenario } from '../shared/scenario';
import { regulariserAnatomy, rounded, type AnatomySteps } from './regulariser-anatomy';
import { summariseTraces, traceToRetrain, type SeedTrace, type TimeToRetrainSummary } from './time-to-retrain';
import { AAMU_ANATOMY, AAMU_ANATOMY_PRESETS, type AamuAnatomyPreset } from './settings';

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
  /** Time to Retrain's end state, per seed (the anatomy above is seed `seed` only). */
  traces: SeedTrace[];
  timeToRetrain: TimeToRetrainSummary;
  seconds: number;
}

export interface AamuAnatomyOptions extends RunOptions {
  /** The one seed the anatomy runs (default 0). */
  seed?: number;
}

/** miaRegulariser on `n` random forget vs `n` random evaluation-split samples of the classes in the forget draw. */
async function regulariserValue(model: Classifier, forget: Dataset, test: Dataset, n: number, seed: number | string): Promise<number> {
  return (await regulariserAnatomy(model, forget, test, { samples: n, seed })).mmd;
}

async function modelLosses(name: string, model: Classifier, health: RunHealth, s: Scenario, seconds: number, samples: number): Promise<ModelLosses> {
  return {
    name,
    seconds,
    ...(await measureUnlearning(model, s, s.seed, health)),
    forgetLosses: rounded((await predict(model, s.forget)).losses),
    testLosses: rounded((await predict(model, s.testEval)).losses),
    mmd: await regulariserValue(model, s.forget, s.testEval, samples, `${s.seed}/mmd-${name}`),
  };
}

/** Runs A-CF or CF on (a subset of) the retain set and hands the result to `use`; the model is freed after. */
function runMeasured<T>(s: Scenario, method: string, config: Record<string, unknown>, retain: Dataset, onProgress: ProgressSink | undefined, use: (res: UnlearnResult) => T | Promise<T>): Promise<T> {
  return withUnlearned(method, { original: s.original, retain, forget: s.forget, testPool: s.testPool, config, seed: s.seed, onProgress }, use);
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
  const p = presetOf(AAMU_ANATOMY_PRESETS, o.preset);
  checkPreset(p);
  const seed = o.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`aamu-anatomy: seed must be a non-negative integer, got ${o.seed}.`);
  const run = await startRun(AAMU_ANATOMY, o);
  const log = run.log;
  const st = p.setting;
  const anatomyPart = await run.withScenario(st, { kind: 'uniform', fraction: 0.1 }, seed, async (s) => {
    const cfConfig = methodConfig(st.methodPreset, 'cf');
    // The paper's A-CF: one epoch (Sec. 3.4), whose steps the speed checkpoints stop within; the time-to-Retrain
    // traces run the preset's own config (the baseline sweep's choice).
    const aCfConfig = { ...methodConfig(st.methodPreset, 'a-cf'), epochs: 1 };
    const anatomy = await regulariserAnatomy(s.original, s.forget, s.testPool, { samples: p.anatomySamples, seed });
    log(`anatomy: MMD^2 on the original model ${anatomy.mmd.toFixed(4)} (paper formula ${anatomy.mmdPaper.toFixed(4)})`);
    const models: ModelLosses[] = [await modelLosses('original', s.original, HEALTHY, s, 0, p.anatomySamples)];
    models.push(await runMeasured(s, 'cf', cfConfig, s.retain, o.onProgress, (res) => modelLosses('cf', res.model, res.health, s, res.timing.seconds, p.anatomySamples)));
    const { kDefault, lambdaDefault, batchSize } = await runMeasured(s, 'a-cf', aCfConfig, s.retain, o.onProgress, async (res) => {
      models.push(await modelLosses('a-cf', res.model, res.health, s, res.timing.seconds, p.anatomySamples));
      return { kDefault: Number(res.config.k), lambdaDefault: Number(res.config.lambda), batchSize: Number(res.config.batchSize) };
    });
    const a = models[models.length - 1];
    const aCfFull: SpeedCheckpoint = { fraction: 1, steps: Math.ceil(size(s.retain) / batchSize), retainSamples: size(s.retain), seconds: a.seconds, retainAcc: a.retainAcc, forgetAcc: a.forgetAcc, testAcc: a.testAcc, mia: a.mia, status: a.status, statusReason: a.statusReason };
    for (const m of models) log(`${m.name}: retain ${percent(m.retainAcc).toFixed(2)} forget ${percent(m.forgetAcc).toFixed(2)} test ${percent(m.testAcc).toFixed(2)} MIA ${m.mia.toFixed(1)} MMD^2 ${m.mmd.toFixed(4)} time ${m.seconds.toFixed(1)}s`);

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
      checkpoints.push(await runMeasured(s, 'a-cf', aCfConfig, subset, o.onProgress, async (res) => ({ fraction, steps: Math.ceil(n / batchSize), retainSamples: n, seconds: res.timing.seconds, ...(await measureUnlearning(res.model, s, seed, res.health)) })));
      const c = checkpoints[checkpoints.length - 1];
      log(`a-cf stopped after ${c.steps} steps: MIA ${c.mia.toFixed(1)} forget ${percent(c.forgetAcc).toFixed(2)} time ${c.seconds.toFixed(1)}s`);
    }

    // k / lambda sweep: A-CF with one setting changed, trained on the sweep share of the epoch; the default
    // point reuses the speed checkpoint of that share (same subset, same seed: the same run).
    const sweep: SweepRow[] = [];
    const base = checkpoints.find((c) => c.fraction === p.sweepFraction);
    const sweepData = subsetOf(p.sweepFraction);
    for (const [parameter, values, dflt] of [['k', p.kValues, kDefault], ['lambda', p.lambdaValues, lambdaDefault]] as const) {
      for (const value of values) {
        if (value === dflt && base) {
          sweep.push({ parameter, value, fraction: p.sweepFraction, seconds: base.seconds, retainAcc: base.retainAcc, forgetAcc: base.forgetAcc, testAcc: base.testAcc, mia: base.mia, status: base.status, statusReason: base.statusReason });
          continue;
        }
        sweep.push(await runMeasured(s, 'a-cf', { ...aCfConfig, [parameter]: value }, sweepData, o.onProgress, async (res) => ({ parameter, value, fraction: p.sweepFraction, seconds: res.timing.seconds, ...(await measureUnlearning(res.model, s, seed, res.health)) })));
        const r = sweep[sweep.length - 1];
        log(`a-cf ${parameter}=${value}: forget ${percent(r.forgetAcc).toFixed(2)} test ${percent(r.testAcc).toFixed(2)} MIA ${r.mia.toFixed(1)} time ${r.seconds.toFixed(1)}s`);
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
      experiment: 'aamu-anatomy' as const,
      preset: o.preset,
      backend: run.backend,
      seed,
      sizes: scenarioSizes(s),
      originalTestAcc: s.originalTestAccuracy,
      originalSource: s.originalSource,
      anatomy,
      models,
      sweep,
      speed,
    };
  });
  const traces: SeedTrace[] = [];
  const seeds = o.seeds ?? p.trace.seeds;
  for (let traceSeed = 0; traceSeed < seeds; traceSeed++) {
    traces.push(await run.withScenario(st, { kind: 'uniform', fraction: 0.1 }, traceSeed, (s) => traceToRetrain(s, st.methodPreset, p.trace, o.onProgress, log)));
  }
  const timeToRetrain = summariseTraces(traces, p.trace.tolerance);
  return { ...anatomyPart, traces, timeToRetrain, seconds: run.seconds() };
}


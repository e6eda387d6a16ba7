// Small synthetic results of the Blend/A-AMU runners (no training): several seeds, so every cell has a
// 95% CI, with Original and Retrain rows. Figure and table tests build the experiments' outputs from them.
import type { MultiRoundResult, MultiRoundRow } from '../../lib/experiments/multi-round';
import { multiRoundTable } from '../../lib/experiments/multi-round';
import { RETAIN_STRATEGIES, strategyTable, type ReducedRetainResult, type ReferenceRow, type StrategyRow } from '../../lib/experiments/reduced-retain-strategies';
import { singleRoundTable, type OriginalRow, type SingleRoundResult, type SingleRoundRow } from '../../lib/experiments/single-round';
import type { UnlearnMeasures } from '../../lib/experiments/shared/measure';

/** A deterministic stream in [0, 1). */
function stream(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Accuracies (fractions) and an MIA score around the given centres, a point or two apart per seed. */
function measures(rand: () => number, centre: { retain: number; forget: number; test: number; mia: number }): UnlearnMeasures {
  const jitter = (x: number, d: number) => x + d * (rand() - 0.5);
  return {
    retainAcc: Math.min(1, jitter(centre.retain, 0.02)),
    forgetAcc: Math.min(1, Math.max(0, jitter(centre.forget, 0.03))),
    testAcc: jitter(centre.test, 0.02),
    mia: jitter(centre.mia, 2),
    status: 'ok',
    statusReason: '',
  };
}

const ORIGINAL_CENTRE = { retain: 1, forget: 1, test: 0.87, mia: 59 };
/** Per method: where its numbers sit (Retrain: the target; the others between it and the original). */
const CENTRES: Record<string, { retain: number; forget: number; test: number; mia: number }> = {
  retrain: { retain: 0.99, forget: 0.86, test: 0.86, mia: 49 },
  cf: { retain: 0.97, forget: 0.9, test: 0.86, mia: 53 },
  'a-cf': { retain: 0.95, forget: 0.87, test: 0.85, mia: 47 },
  scrub: { retain: 0.98, forget: 0.93, test: 0.86, mia: 55 },
};

/** single-round: 3 seeds, uniform 10% and class 0, methods retrain, cf, a-cf, without and with Blend. */
export function syntheticSingleRound(seeds = 3): SingleRoundResult {
  const rand = stream(1);
  const rows: SingleRoundRow[] = [];
  const originals: OriginalRow[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    for (const scenario of ['uniform 10%', 'class 0 (T-shirt/top)']) {
      const cls = scenario.startsWith('class');
      originals.push({ seed, scenario, ...measures(rand, ORIGINAL_CENTRE) });
      for (const method of ['retrain', 'cf', 'a-cf']) {
        for (const blend of [false, true]) {
          const c = CENTRES[method];
          rows.push({
            seed,
            scenario,
            method,
            blend,
            ...measures(rand, cls ? { ...c, forget: method === 'retrain' ? 0 : 0.05 } : c),
            seconds: 10 + 20 * rand(),
            kmeansSeconds: blend ? 2 : 0,
            samplingSeconds: blend ? 0.1 : 0,
            condensationSeconds: blend ? 5 : 0,
            retainUsed: blend ? 1800 : 2700,
          });
        }
      }
    }
  }
  const setups = originals.map((o) => ({ seed: o.seed, scenario: o.scenario, sizes: { train: 3000, forget: 300, retain: 2700, reducedRetain: 1800 }, originalTestAcc: o.testAcc, originalSource: 'trained', reducedRatio: 0.66 }));
  return { experiment: 'single-round', preset: 'smoke', backend: 'wasm', rows, originals, table: singleRoundTable(rows, originals), setups, seconds: 100 };
}

/** reduced-retain-strategies: 3 seeds, the seven training sets, Original and Retrain. */
export function syntheticReducedRetain(seeds = 3): ReducedRetainResult {
  const rand = stream(2);
  const rows: StrategyRow[] = [];
  const references: ReferenceRow[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const ref = (model: 'original' | 'retrain', c: typeof ORIGINAL_CENTRE, seconds: number): ReferenceRow => ({
      seed,
      model,
      trainSize: model === 'original' ? 3000 : 2700,
      ...measures(rand, c),
      freeRetainAcc: c.retain - 0.01,
      residualRetainAcc: c.retain - 0.02,
      seconds,
      timePercent: (100 * seconds) / 30,
    });
    references.push(ref('original', ORIGINAL_CENTRE, NaN), ref('retrain', CENTRES.retrain, 60));
    RETAIN_STRATEGIES.forEach((st, i) => {
      const m = measures(rand, { retain: 0.97 - 0.01 * i, forget: 0.9 - 0.01 * i, test: 0.86 - 0.005 * i, mia: 52 + i / 2 });
      rows.push({ seed, strategy: st.key, label: st.label, trainSize: 2700 - 200 * i, buildSeconds: i % 2 ? 3 : 0, ...m, freeRetainAcc: m.retainAcc, residualRetainAcc: m.retainAcc - 0.02, seconds: 30 - 2 * i, timePercent: (100 * (30 - 2 * i)) / 30 });
    });
  }
  return {
    experiment: 'reduced-retain-strategies',
    preset: 'smoke',
    backend: 'wasm',
    dataset: 'fashion-mnist',
    k: 8,
    rows,
    references,
    table: strategyTable(rows, references),
    ratios: Array.from({ length: seeds }, (_, seed) => [
      { seed, request: 'uniform 10%', retain: 2700, residual: 1000, blended: 600, reduced: 1600, ratio: 1600 / 2700 },
      { seed, request: 'class 0 (T-shirt/top)', retain: 2700, residual: 0, blended: 540, reduced: 540, ratio: 0.2 },
    ]).flat(),
    setups: Array.from({ length: seeds }, (_, seed) => ({ seed, sizes: { train: 3000, forget: 300, retain: 2700, free: 1700, residual: 1000, testEval: 3000 }, originalTestAcc: 0.87, originalSource: 'trained', kmeansSeconds: 3 })),
    l1: { epochs: 1 },
    retrain: { epochs: 1 },
    notes: ['synthetic'],
    seconds: 100,
  };
}

/** multi-round: 2 seeds, 3 rounds, methods retrain, cf, a-cf, without and with Blend, and the original on each round. */
export function syntheticMultiRound(seeds = 2, methods = ['retrain', 'cf', 'a-cf']): MultiRoundResult {
  const rand = stream(3);
  const rows: MultiRoundRow[] = [];
  const originals: NonNullable<MultiRoundResult['originals']> = [];
  for (let seed = 0; seed < seeds; seed++) {
    for (let round = 0; round < 3; round++) originals.push({ seed, round, ...measures(rand, ORIGINAL_CENTRE) });
    for (const method of methods) {
      for (const blend of [false, true]) {
        for (let round = 0; round < 3; round++) {
          const blendSeconds = blend ? 3 : 0;
          const unlearnSeconds = 10 + 5 * rand();
          rows.push({ seed, method, blend, round, ...measures(rand, CENTRES[method]), unlearnSeconds, blendSeconds, seconds: unlearnSeconds + blendSeconds, retainUsed: blend ? 500 : 900, forgetSize: 100, tensors: 10 });
        }
      }
    }
  }
  return {
    experiment: 'multi-round',
    preset: 'smoke',
    backend: 'wasm',
    rows,
    originals,
    table: multiRoundTable(rows, originals),
    reductions: Array.from({ length: 3 }, (_, round) => ({ seed: 0, round, retain: 900 - 90 * round, forget: 100, cumulativeForget: 100 * (round + 1), reduced: 500, ratio: 0.55, timing: { kmeans: round === 0 ? 2 : 0, condensation: 1 } })),
    setups: Array.from({ length: seeds }, (_, seed) => ({ seed, originalTestAcc: 0.87, originalSource: 'trained' })),
    seconds: 100,
  };
}

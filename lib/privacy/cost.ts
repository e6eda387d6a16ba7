import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import { size, type Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import type { Classifier } from '../models/classifier';
import { cloneModel } from '../models/registry';
import { Adam } from '../train/optimizers';
import { trainStep } from '../train/step';
import { dpAdamStep, type DpAdamState } from './dp-adam';
import { ghostLayers, type PerExampleMethod } from './per-example';

export interface StepCostOptions {
  /** Batch size of every timed step (DP steps take exactly this many examples here, not a Poisson draw). */
  batchSize: number;
  /** Timed steps per variant after one untimed warm-up step (default 5); the variants take turns. */
  repeats?: number;
  /** Which DP variants to time (default: 'ghost' where it applies, and 'microbatch'). */
  methods?: PerExampleMethod[];
  /** Examples per per-example pass (default 128, as trainDpAdam). */
  chunkSize?: number;
  seed?: number;
}

export interface StepCost {
  /** Median milliseconds per plain Adam step (lib/train/step trainStep, mean cross-entropy). */
  plainMs: number;
  /** Median milliseconds per DP-Adam step, by per-example method. */
  dpMs: Partial<Record<PerExampleMethod, number>>;
  /** dpMs / plainMs. */
  ratio: Partial<Record<PerExampleMethod, number>>;
  batchSize: number;
  repeats: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function sync(model: Classifier): Promise<void> {
  await model.parameters()[0].data();
}

/**
 * Times plain Adam steps against DP-Adam steps (clip, noise, Adam) on copies of `model` (the model itself is left
 * unchanged), on the same batch of `ds`: after a warm-up step each, the variants take turns `repeats` times and the
 * median of each is reported, so load on the machine weighs on them alike. Compare within one call.
 */
export async function measureDpStepCost(model: Classifier, ds: Dataset, o: StepCostOptions): Promise<StepCost> {
  const repeats = o.repeats ?? 5;
  if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1 && o.batchSize <= size(ds))) {
    throw new Error(`measureDpStepCost: batchSize must be an integer in 1..${size(ds)}, got ${o.batchSize}.`);
  }
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`measureDpStepCost: repeats must be an integer >= 1, got ${repeats}.`);
  const methods = o.methods ?? (['ghost', 'microbatch'] as PerExampleMethod[]).filter((m) => m !== 'ghost' || 'layers' in ghostLayers(model));
  const positions = new Rng(o.seed ?? 0).permutation(size(ds)).subarray(0, o.batchSize);
  // One variant per copy of the model: plain Adam first, then each DP method.
  const variants: Array<{ name: 'plain' | PerExampleMethod; model: Classifier; optimizer: Adam; step: () => void; ms: number[] }> = [];
  const { x, y } = batchTensors(ds, positions);
  try {
    const plain = cloneModel(model);
    const plainOpt = new Adam();
    variants.push({ name: 'plain', model: plain, optimizer: plainOpt, step: () => trainStep(plain, plainOpt, x, y, 1e-3).dispose(), ms: [] });
    for (const method of methods) {
      const m = cloneModel(model);
      const state: DpAdamState = { optimizer: new Adam(), noiseRng: new Rng(o.seed ?? 0) };
      const step = () => {
        const r = dpAdamStep(m, ds, positions, state, {
          lr: 1e-3,
          clip: 1,
          noiseMultiplier: 1,
          expectedBatchSize: o.batchSize,
          perExample: method,
          chunkSize: o.chunkSize ?? 128,
        });
        tf.dispose([r.lossSum, r.clipped]);
      };
      variants.push({ name: method, model: m, optimizer: state.optimizer, step, ms: [] });
    }
    // A warm-up step each, then the variants take turns, so a change in machine load hits them alike.
    for (const v of variants) {
      v.step();
      await sync(v.model);
    }
    for (let r = 0; r < repeats; r++) {
      for (const v of variants) {
        const t0 = performance.now();
        v.step();
        await sync(v.model);
        v.ms.push(performance.now() - t0);
      }
    }
  } finally {
    for (const v of variants) {
      v.optimizer.dispose();
      v.model.dispose();
    }
    tf.dispose([x, y]);
  }
  const plainMs = median(variants[0].ms);
  const dpMs: StepCost['dpMs'] = {};
  const ratio: StepCost['ratio'] = {};
  for (const v of variants.slice(1)) {
    const name = v.name as PerExampleMethod;
    dpMs[name] = median(v.ms);
    ratio[name] = dpMs[name]! / plainMs;
  }
  return { plainMs, dpMs, ratio, batchSize: o.batchSize, repeats };
}

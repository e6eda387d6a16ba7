import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import { size, type Dataset } from '../data/dataset';
import { yieldIfDue, yieldToEventLoop } from '../engine/event-loop';
import { readScalarAndDispose } from '../engine/read';
import { Rng } from '../engine/rng';
import type { Classifier } from '../models/classifier';
import { nonFiniteParameter } from '../train/finite';
import { Adam } from '../train/optimizers';
import { ProgressTracker, type ProgressSink } from '../train/progress';
import { checkPerExampleModel, choosePerExampleMethod, clippedGradientSum, disposeClippedSum, type PerExampleMethod } from './per-example';
import { epsilonOf } from './rdp-accountant';

/**
 * DP-Adam (DP-SGD's private gradient with an Adam update; Abadi et al. 2016, as TF Privacy's DPKerasAdamOptimizer,
 * Opacus and the 2024 paper's fast-differential-privacy run it):
 *   1. Poisson sampling: every example joins a step's batch independently with probability q = batchSize / N, so a
 *      batch has a random size (possibly 0). This is the sampling the RDP accountant assumes; shuffled fixed-size
 *      batches would not match its guarantee (TF Privacy's compute_dp_sgd_privacy_statement says as much).
 *   2. per-example gradients, each clipped to L2 norm <= clip over all parameters (./per-example.ts);
 *   3. Gaussian noise of std noiseMultiplier * clip added to the sum of clipped gradients, then divided by the
 *      EXPECTED batch size q * N = batchSize (Opacus's and TF Privacy's Poisson mean: a random divisor would leak the
 *      batch size);
 *   4. an Adam step (lib/train/optimizers Adam, torch semantics) with that gradient.
 * One epoch is ceil(N / batchSize) steps; the privacy spent is epsilonOf(q, noiseMultiplier, steps, delta) from the
 * RDP accountant (./rdp-accountant.ts). The loss in the history is the mean cross-entropy of the examples drawn, a
 * non-private monitoring figure: it is not part of the released model.
 */

export interface NoiseOptions {
  clip: number;
  noiseMultiplier: number;
  /** q * N: the divisor of the noisy sum. */
  expectedBatchSize: number;
  /** Draws one seed per tensor. */
  rng: Rng;
}

/**
 * (sum + N(0, (noiseMultiplier * clip)^2)) / expectedBatchSize for each tensor (fresh tensors; the inputs are
 * left as they are).
 */
export function noisyMean(sums: readonly tf.Tensor[], o: NoiseOptions): tf.Tensor[] {
  if (!(o.clip > 0 && Number.isFinite(o.clip))) throw new Error(`clip must be a finite number > 0, got ${o.clip}.`);
  if (!(o.noiseMultiplier >= 0 && Number.isFinite(o.noiseMultiplier))) throw new Error(`noiseMultiplier must be a finite number >= 0, got ${o.noiseMultiplier}.`);
  if (!(o.expectedBatchSize > 0)) throw new Error(`expectedBatchSize must be > 0, got ${o.expectedBatchSize}.`);
  const std = o.noiseMultiplier * o.clip;
  return tf.tidy(() =>
    sums.map((s) => {
      const seed = o.rng.uint32();
      const noised = std > 0 ? tf.add(s, tf.randomNormal(s.shape, 0, std, 'float32', seed)) : s;
      return tf.div(noised, o.expectedBatchSize);
    }),
  );
}

/** The positions of a Poisson-sampled batch: each of 0..n-1 independently with probability q. */
export function poissonBatch(n: number, q: number, rng: Rng): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (rng.next() < q) out.push(i);
  return Int32Array.from(out);
}

export interface DpAdamOptions {
  epochs: number;
  /** Expected batch size: the sampling rate is batchSize / N (Poisson sampling). */
  batchSize: number;
  lr: number;
  /** Per-example gradient L2 clipping norm C. */
  clip: number;
  /** Noise std / C. */
  noiseMultiplier: number;
  /** The delta of the reported (epsilon, delta). */
  delta: number;
  /** Seeds the sampling and the noise. */
  seed: number | string;
  /** Adam's betas and eps (torch defaults). */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** How per-example gradients are computed: 'auto' (default: 'ghost' where it applies), 'ghost' or 'microbatch'. */
  perExample?: PerExampleMethod | 'auto';
  /** Most examples per per-example pass (a larger Poisson batch runs in chunks; exact, clipping is per example). Default 128. */
  chunkSize?: number;
  onProgress?: ProgressSink;
  /** Name in progress events and errors (default 'dp-adam'). */
  task?: string;
}

export interface DpAdamEpoch {
  /** 0-based. */
  epoch: number;
  /** Mean cross-entropy of the examples drawn this epoch (non-private monitoring figure; NaN if none were drawn). */
  loss: number;
  /** Examples drawn this epoch (sum of the Poisson batch sizes). */
  examples: number;
  steps: number;
  /** Fraction of the examples drawn whose gradient norm exceeded clip. */
  clippedFraction: number;
  /** Epsilon spent from the start of training to the end of this epoch, at options.delta. */
  epsilon: number;
  seconds: number;
}

export interface DpAdamResult {
  /** Epsilon spent by the whole run at `delta` (improved RDP conversion, TF Privacy's orders). */
  epsilon: number;
  /** The RDP order that gave epsilon. */
  order: number;
  delta: number;
  samplingRate: number;
  steps: number;
  noiseMultiplier: number;
  perExample: PerExampleMethod;
  history: DpAdamEpoch[];
  seconds: number;
}

function checkOptions(model: Classifier, ds: Dataset, o: DpAdamOptions): void {
  const n = size(ds);
  if (n === 0) throw new Error(`trainDpAdam: the training set ${ds.name}/${ds.split} is empty.`);
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1)) throw new Error(`trainDpAdam: epochs must be an integer >= 1, got ${o.epochs}.`);
  if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1 && o.batchSize <= n)) {
    throw new Error(`trainDpAdam: batchSize (the expected batch size) must be an integer in 1..${n} (the dataset size), got ${o.batchSize}.`);
  }
  if (!(o.lr > 0 && Number.isFinite(o.lr))) throw new Error(`trainDpAdam: lr must be a finite number > 0, got ${o.lr}.`);
  if (!(o.clip > 0 && Number.isFinite(o.clip))) throw new Error(`trainDpAdam: clip must be a finite number > 0 (the per-example gradient L2 bound), got ${o.clip}.`);
  if (!(o.noiseMultiplier > 0 && Number.isFinite(o.noiseMultiplier))) {
    throw new Error(`trainDpAdam: noiseMultiplier must be a finite number > 0 (noise std / clip), got ${o.noiseMultiplier}; use noiseForEpsilon() to pick one for a target epsilon.`);
  }
  if (!(o.delta > 0 && o.delta < 1)) throw new Error(`trainDpAdam: delta must be in (0, 1) (commonly < 1 / dataset size = ${(1 / n).toPrecision(3)}), got ${o.delta}.`);
  if (o.perExample != null && !['auto', 'ghost', 'microbatch'].includes(o.perExample)) {
    throw new Error(`trainDpAdam: perExample must be 'auto', 'ghost' or 'microbatch', got '${String(o.perExample)}'.`);
  }
  const chunk = o.chunkSize ?? 128;
  if (!(Number.isInteger(chunk) && chunk >= 1)) throw new Error(`trainDpAdam: chunkSize must be an integer >= 1, got ${chunk}.`);
  const [h, w, c] = model.spec.inputShape;
  if (ds.shape[0] !== h || ds.shape[1] !== w || ds.shape[2] !== c) {
    throw new Error(`trainDpAdam: the model takes [${h}, ${w}, ${c}] images but ${ds.name} has [${ds.shape.join(', ')}]; build the model with the dataset's image shape.`);
  }
  checkPerExampleModel(model);
}

/** Per-step state shared by dpAdamStep calls: the optimiser and the noise stream. */
export interface DpAdamState {
  optimizer: Adam;
  noiseRng: Rng;
}

export interface DpAdamStepResult {
  /** Sum of the batch's cross-entropies (caller owns it). */
  lossSum: tf.Scalar;
  /** Examples whose gradient norm exceeded clip (caller owns it). */
  clipped: tf.Scalar;
}

/**
 * One DP-Adam step on the examples at `positions` (a Poisson batch; may be empty): clipped per-example gradient sum
 * (in chunks of chunkSize), noise, division by expectedBatchSize, Adam update of model.parameters().
 */
export function dpAdamStep(
  model: Classifier,
  ds: Dataset,
  positions: Int32Array,
  state: DpAdamState,
  o: { lr: number; clip: number; noiseMultiplier: number; expectedBatchSize: number; perExample: PerExampleMethod; chunkSize: number },
): DpAdamStepResult {
  const params = model.parameters();
  let sums: tf.Tensor[] = params.map((p) => tf.zerosLike(p));
  let lossSum: tf.Scalar = tf.scalar(0);
  let clipped: tf.Scalar = tf.scalar(0);
  try {
    for (let s = 0; s < positions.length; s += o.chunkSize) {
      const { x, y } = batchTensors(ds, positions.subarray(s, Math.min(positions.length, s + o.chunkSize)));
      try {
        const part = clippedGradientSum(model, x, y, { clip: o.clip, method: o.perExample });
        try {
          const [l, c, ...next] = tf.tidy(() => [
            tf.add(lossSum, part.lossSum),
            tf.add(clipped, tf.sum(tf.cast(tf.greater(part.norms, o.clip), 'float32'))),
            ...part.sums.map((g, k) => tf.add(sums[k], g)),
          ]);
          tf.dispose([...sums, lossSum, clipped]);
          sums = next;
          lossSum = l as tf.Scalar;
          clipped = c as tf.Scalar;
        } finally {
          disposeClippedSum(part);
        }
      } finally {
        tf.dispose([x, y]);
      }
    }
    const grads = noisyMean(sums, { clip: o.clip, noiseMultiplier: o.noiseMultiplier, expectedBatchSize: o.expectedBatchSize, rng: state.noiseRng });
    try {
      state.optimizer.step(params, grads, o.lr);
    } finally {
      tf.dispose(grads);
    }
    return { lossSum, clipped };
  } catch (err) {
    tf.dispose([lossSum, clipped]);
    throw err;
  } finally {
    tf.dispose(sums);
  }
}

/**
 * Trains `model` in place with DP-Adam for `epochs` epochs of ceil(N / batchSize) Poisson-sampled steps and returns
 * the epsilon spent at `delta` with the per-epoch history. Throws on a NaN/Inf loss or weight.
 */
export async function trainDpAdam(model: Classifier, ds: Dataset, o: DpAdamOptions): Promise<DpAdamResult> {
  checkOptions(model, ds, o);
  const task = o.task ?? 'dp-adam';
  const n = size(ds);
  const stepsPerEpoch = Math.ceil(n / o.batchSize);
  const q = o.batchSize / n;
  const perExample = o.perExample == null || o.perExample === 'auto' ? choosePerExampleMethod(model) : o.perExample;
  const rng = new Rng(o.seed).fork('dp-adam');
  const sampleRng = rng.fork('poisson');
  const state: DpAdamState = {
    optimizer: new Adam({ beta1: o.beta1, beta2: o.beta2, eps: o.eps }),
    noiseRng: rng.fork('noise'),
  };
  const tracker = new ProgressTracker(task, o.epochs * stepsPerEpoch, o.onProgress);
  const history: DpAdamEpoch[] = [];
  const t0 = performance.now();
  let steps = 0;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const te = performance.now();
      let examples = 0;
      let lossSum: tf.Scalar = tf.scalar(0);
      let clippedSum: tf.Scalar = tf.scalar(0);
      try {
        for (let s = 0; s < stepsPerEpoch; s++) {
          const positions = poissonBatch(n, q, sampleRng);
          const r = dpAdamStep(model, ds, positions, state, {
            lr: o.lr,
            clip: o.clip,
            noiseMultiplier: o.noiseMultiplier,
            expectedBatchSize: o.batchSize,
            perExample,
            chunkSize: o.chunkSize ?? 128,
          });
          const [l, c] = tf.tidy(() => [tf.add(lossSum, r.lossSum), tf.add(clippedSum, r.clipped)]);
          tf.dispose([lossSum, clippedSum, r.lossSum, r.clipped]);
          lossSum = l as tf.Scalar;
          clippedSum = c as tf.Scalar;
          examples += positions.length;
          steps++;
          if (tracker.due(steps)) tracker.update(steps, { epoch: epoch + 1, epochs: o.epochs });
          await yieldIfDue();
        }
      } catch (err) {
        tf.dispose([lossSum, clippedSum]);
        throw err;
      }
      const total = await readScalarAndDispose(lossSum);
      const clipped = await readScalarAndDispose(clippedSum);
      const loss = examples > 0 ? total / examples : NaN;
      if (examples > 0 && !Number.isFinite(loss)) {
        throw new Error(`${task}: the training loss became ${loss} in epoch ${epoch + 1} (lr ${o.lr}). Lower the learning rate or check the data for NaN.`);
      }
      const bad = await nonFiniteParameter(model.parameters());
      if (bad != null) throw new Error(`${task}: weights became NaN or infinite in epoch ${epoch + 1} (parameter ${bad}). Lower the learning rate.`);
      const { epsilon } = epsilonOf({ samplingRate: q, noiseMultiplier: o.noiseMultiplier, steps, delta: o.delta });
      const record: DpAdamEpoch = {
        epoch,
        loss,
        examples,
        steps: stepsPerEpoch,
        clippedFraction: examples > 0 ? clipped / examples : 0,
        epsilon,
        seconds: (performance.now() - te) / 1000,
      };
      history.push(record);
      tracker.update(steps, { epoch: epoch + 1, epochs: o.epochs, loss, info: { epsilon } }, true);
      await yieldToEventLoop();
    }
  } finally {
    state.optimizer.dispose();
  }
  const { epsilon, order } = epsilonOf({ samplingRate: q, noiseMultiplier: o.noiseMultiplier, steps, delta: o.delta });
  return {
    epsilon,
    order,
    delta: o.delta,
    samplingRate: q,
    steps,
    noiseMultiplier: o.noiseMultiplier,
    perExample,
    history,
    seconds: (performance.now() - t0) / 1000,
  };
}

import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import type { Dataset } from '../data/dataset';
import { tidyReadScalar } from '../engine/read';
import { Rng } from '../engine/rng';
import type { PhaseTimer } from '../engine/timer';
import type { Classifier } from '../models/classifier';
import { Conv2d, Flatten, Identity, InstanceNorm, Linear, Pool2d, ReLU } from '../models/nn/layers';
import { Sequential, type Module } from '../models/nn/module';
import { cloneModel } from '../models/registry';
import { crossEntropy } from '../train/losses';
import { createOptimizer } from '../train/optimizers';
import { variableFrom } from './cluster-weights';
import type { CondensedSet } from './condensed';
import { initFromRealImages, syntheticSet } from './dm';
import { DSA_DEFAULT_STRATEGY, dsaAugment, sampleDsaParams, type DsaMode, type DsaParams, type DsaTransform } from './dsa';
import { randomExtractor } from './features';

/**
 * Gradient matching (GM: "Dataset Condensation with Gradient Matching", Zhao et al. 2021) with
 * differentiable siamese augmentation (DSA), as run by the Blend reference (docs/reference/blend-a-amu.md#a8).
 *
 * The matching loss needs the gradient of the network's parameter gradients with respect to the
 * synthetic images (a second derivative). tfjs cannot differentiate its own conv filter gradient
 * (Conv2DBackpropFilter has no gradient) nor the custom instance-norm gradient, so the synthetic
 * side's parameter gradients are written out here as an explicit backward pass built only from
 * differentiable ops (weightGradients); autodiff then differentiates that once. The real side uses
 * plain autodiff; the test checks the two agree.
 */

export interface GmOptions {
  /** Synthetic images per class. */
  ipc: number;
  seed: number | string;
  /** Outer iterations, each with a fresh random network (reference 1000). */
  iterations?: number;
  /** Image SGD learning rate (reference 0.1). */
  lr?: number;
  /** Image SGD momentum (reference 0.5). */
  momentum?: number;
  /** Network SGD learning rate of the inner loop (reference 0.01; no momentum). */
  netLr?: number;
  /** Image updates per iteration; default gmLoops(ipc). */
  outerLoop?: number;
  /** Network training epochs on the synthetic set between image updates; default gmLoops(ipc). */
  innerLoop?: number;
  /** Real images per class per image update (reference 256). */
  realBatchPerClass?: number;
  /** Batch size of the inner network training (reference 256). */
  trainBatch?: number;
  /** 'real' (reference: random real images of the class) or 'noise' (standard normal; the DC paper's default). */
  init?: 'real' | 'noise';
  /** DSA transforms (default DSA_DEFAULT_STRATEGY, all six as the reference); [] turns augmentation off. */
  dsa?: DsaTransform[];
  /** 'single' (default): one family per call, the reference's aug_mode 'S'; 'multiple': all in order ('M'). */
  dsaMode?: DsaMode;
  /** Architecture of the random networks (reference: the evaluated ConvNet, instance norm). convnet and mlp are supported. */
  netSpec?: { arch?: string; options?: Record<string, unknown> };
  /** Start every iteration from a copy of this network instead of a fresh random one (tests, warm starts). */
  initialNet?: Classifier;
  timer?: PhaseTimer;
  /** Called after every iteration with the mean matching loss of that iteration. */
  onIteration?: (iteration: number, loss: number) => void;
}

/** The DC paper's own settings (Zhao et al. 2021, no DSA): images initialised from noise; the rest as the reference. */
export const gmDcPaperSettings: Partial<GmOptions> = { init: 'noise', dsa: [], iterations: 1000, lr: 0.1, momentum: 0.5, netLr: 0.01 };

/** The 2024 paper's DC benchmark (docs/reference/modular-2024.md#b10b): fresh random MLP 512-256-128, network lr 1e-3, no DSA. */
export const gmBenchmark2024Settings: Partial<GmOptions> = {
  iterations: 1000,
  lr: 0.1,
  netLr: 1e-3,
  dsa: [],
  netSpec: { arch: 'mlp', options: { hidden: [512, 256, 128] } },
};

/** (outer, inner) loops: the reference's local get_loops gives (1, 1) for IPC <= 5 and (10, 50) for IPC 10; 20-50 as the DC code. */
export function gmLoops(ipc: number): { outerLoop: number; innerLoop: number } {
  if (Number.isInteger(ipc) && ipc >= 1 && ipc <= 5) return { outerLoop: 1, innerLoop: 1 };
  const table: Record<number, [number, number]> = { 10: [10, 50], 20: [20, 25], 30: [30, 20], 40: [40, 15], 50: [50, 10] };
  const row = table[ipc];
  if (row == null) throw new Error(`gradientMatching: no reference loop settings for ipc = ${ipc}; pass outerLoop and innerLoop.`);
  return { outerLoop: row[0], innerLoop: row[1] };
}

// ---------------------------------------------------------------------------------------------
// Explicit, differentiable parameter gradients of CE(net(x), labels) for sequential nets.

type Layer = Conv2d | InstanceNorm | ReLU | Pool2d | Flatten | Linear | Identity;

/** The leaf layers of a sequential classifier in forward order; throws for architectures GM's backward does not cover. */
export function sequentialLayers(net: Classifier): Layer[] {
  const out: Layer[] = [];
  for (const [name, m] of net.namedModules()) {
    if (m === net) continue;
    const leaf = m.namedModules().length === 1;
    if (!leaf) {
      if (!(m instanceof Sequential)) throw new Error(`gradientMatching: '${name}' of ${net.spec.arch} is not sequential; GM supports convnet and mlp.`);
      continue;
    }
    const ok = m instanceof Conv2d || m instanceof InstanceNorm || m instanceof ReLU || m instanceof Pool2d || m instanceof Flatten || m instanceof Linear || m instanceof Identity;
    if (!ok) {
      throw new Error(`gradientMatching: layer '${name}' (${m.constructor.name}) of ${net.spec.arch} is not supported; use convnet (norm 'instance' or 'none') or mlp.`);
    }
    if (m instanceof Conv2d && m.stride !== 1) throw new Error(`gradientMatching: conv '${name}' has stride ${m.stride}; only stride 1 is supported.`);
    if (m instanceof Pool2d && (m.size !== m.stride || m.padding !== 'valid')) {
      throw new Error(`gradientMatching: pool '${name}' must be non-overlapping with 'valid' padding (size = stride).`);
    }
    out.push(m as Layer);
  }
  return out;
}

/** The weight variables that GM matches (conv and linear weights; biases and norm parameters count 0 in 'ours'). */
export function matchedWeights(layers: Layer[]): tf.Variable[] {
  return layers.flatMap((l) => (l instanceof Conv2d || l instanceof Linear ? [l.weight] : []));
}

/** A weight gradient as [fanIn, out]: rows of PyTorch's [out, ...] layout become columns. */
function asColumns(g: tf.Tensor): tf.Tensor2D {
  return tf.reshape(g, [-1, g.shape[g.shape.length - 1]]);
}

function convPads(l: Conv2d): [[number, number], [number, number]] {
  if (typeof l.padding === 'number') return [[l.padding, l.padding], [l.padding, l.padding]];
  if (l.padding === 'valid') return [[0, 0], [0, 0]];
  // 'same' at stride 1 pads k - 1 in total, the extra cell after (tf's convention).
  const t = l.kernel - 1;
  return [[Math.floor(t / 2), t - Math.floor(t / 2)], [Math.floor(t / 2), t - Math.floor(t / 2)]];
}

/** dL/dW of a stride-1 conv as [k*k*in, out] from k*k shifted slices and matMuls (all differentiable in x and dy). */
function convWeightGrad(l: Conv2d, x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor2D {
  const [n, , , cin] = x.shape;
  const [, ho, wo, cout] = dy.shape;
  const [ph, pw] = convPads(l);
  const xp = tf.pad(x, [[0, 0], ph, pw, [0, 0]]);
  const dy2 = tf.reshape(dy, [n * ho * wo, cout]);
  const parts: tf.Tensor2D[] = [];
  for (let i = 0; i < l.kernel; i++) {
    for (let j = 0; j < l.kernel; j++) {
      const xs = tf.reshape(tf.slice(xp, [0, i, j, 0], [n, ho, wo, cin]), [n * ho * wo, cin]);
      parts.push(tf.matMul(xs, dy2, true, false));
    }
  }
  return tf.concat(parts, 0);
}

function convInputGrad(l: Conv2d, x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const [ph, pw] = convPads(l);
  const pad = [[0, 0], ph, pw, [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
  return tf.conv2dTranspose(dy, l.weight as tf.Tensor4D, x.shape, 1, pad);
}

/** Upsamples a pooled gradient back to the pre-pool shape (non-overlapping windows), zero for cropped rows/cols. */
function unpool(dy: tf.Tensor4D, s: number, shape: number[]): tf.Tensor4D {
  const [n, hp, wp, c] = dy.shape;
  // Rows then columns, in rank-4 tiles (tfjs differentiates tile up to rank 4 only).
  const rows = tf.reshape(tf.tile(tf.reshape(dy, [n, hp, 1, wp * c]), [1, 1, s, 1]), [n * hp * s, wp, 1, c]);
  const up = tf.reshape(tf.tile(rows, [1, 1, s, 1]), [n, hp * s, wp * s, c]);
  return tf.pad(up, [[0, 0], [0, shape[1] - hp * s], [0, shape[2] - wp * s], [0, 0]]) as tf.Tensor4D;
}

/**
 * Gradients of mean CE(net(x), labels) w.r.t. the matched weights, as [fanIn, out] each, computed by
 * an explicit backward pass so that the result stays differentiable in x (ReLU/max-pool masks are
 * constants, as in PyTorch's double backward).
 */
export function weightGradients(layers: Layer[], x: tf.Tensor4D, labels: tf.Tensor1D): tf.Tensor2D[] {
  const inputs: tf.Tensor[] = [];
  let y: tf.Tensor = x;
  for (const l of layers) {
    inputs.push(y);
    y = (l as Module).forward(y, true);
  }
  const n = x.shape[0];
  const k = y.shape[1] as number;
  let dz: tf.Tensor = tf.div(tf.sub(tf.softmax(y as tf.Tensor2D), tf.oneHot(labels, k)), n);
  const grads: tf.Tensor2D[] = [];
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    const xin = inputs[i];
    const out = i + 1 < layers.length ? inputs[i + 1] : y;
    if (l instanceof Linear) {
      grads.push(tf.matMul(xin as tf.Tensor2D, dz as tf.Tensor2D, true, false));
      if (i > 0) dz = tf.matMul(dz as tf.Tensor2D, l.weight as tf.Tensor2D, false, true);
    } else if (l instanceof Flatten) {
      if (xin.rank === 4) {
        const [b, h, w, c] = xin.shape;
        dz = tf.transpose(tf.reshape(dz, [b, c, h, w]), [0, 2, 3, 1]);
      } else dz = tf.reshape(dz, xin.shape);
    } else if (l instanceof ReLU) {
      dz = tf.mul(dz, tf.step(out));
    } else if (l instanceof Pool2d) {
      const up = unpool(dz as tf.Tensor4D, l.stride, xin.shape);
      if (l.kind === 'avg') dz = tf.div(up, l.size * l.size);
      else {
        // 1 where the input equals its window's maximum (ties share the gradient; PyTorch picks one).
        const winMax = unpool(out as tf.Tensor4D, l.stride, xin.shape);
        dz = tf.mul(up, tf.sub(1, tf.step(tf.sub(winMax, xin))));
      }
    } else if (l instanceof InstanceNorm) {
      const { mean, variance } = tf.moments(xin, [1, 2], true);
      const r = tf.rsqrt(tf.add(variance, l.eps));
      const xhat = tf.mul(tf.sub(xin, mean), r);
      const g = tf.mul(dz, l.gamma);
      dz = tf.mul(tf.sub(tf.sub(g, tf.mean(g, [1, 2], true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), [1, 2], true))), r);
    } else if (l instanceof Conv2d) {
      grads.push(convWeightGrad(l, xin as tf.Tensor4D, dz as tf.Tensor4D));
      if (i > 0) dz = convInputGrad(l, xin as tf.Tensor4D, dz as tf.Tensor4D);
    }
    // Identity: gradient passes unchanged.
  }
  return grads.reverse();
}

/** 'ours' distance: per weight tensor and output unit, 1 - cos(g_real, g_syn), summed (eps 1e-6 as the reference). */
export function gradientDistance(real: tf.Tensor2D[], syn: tf.Tensor2D[]): tf.Scalar {
  return tf.tidy(() => {
    // sqrt(s + 1e-12): PyTorch's norm has gradient 0 at a zero vector; a plain sqrt would give NaN.
    const norm = (g: tf.Tensor2D) => tf.sqrt(tf.add(tf.sum(tf.square(g), 0), 1e-12));
    const terms = real.map((r, i) => {
      const s = syn[i];
      const cos = tf.div(tf.sum(tf.mul(r, s), 0), tf.add(tf.mul(norm(r), norm(s)), 1e-6));
      return tf.sum(tf.sub(1, cos));
    });
    return tf.addN(terms) as tf.Scalar;
  });
}

// ---------------------------------------------------------------------------------------------

function checkPositiveInt(v: number, name: string, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`gradientMatching: ${name} must be an integer >= ${min}, got ${v}.`);
}

/**
 * GM/DSA (docs/reference/blend-a-amu.md#a8): per iteration a fresh random network; outerLoop times { for every class: real
 * batch and synthetic images of the class, augmented with the same DSA parameters, loss +=
 * distance(grad_w CE(real), grad_w CE(syn)); one SGD step on the images } with innerLoop epochs of
 * network training (SGD, batch trainBatch, fresh DSA per batch) on the synthetic set between image
 * updates (skipped after the last). lossHistory holds the mean loss per class and update of each
 * iteration, as the reference's loss_avg. Ids are -1..-n (no per-sample provenance).
 */
export async function gradientMatching(ds: Dataset, o: GmOptions): Promise<CondensedSet> {
  const run = async (): Promise<CondensedSet> => {
    const t0 = performance.now();
    const iterations = o.iterations ?? 1000;
    const lr = o.lr ?? 0.1;
    const netLr = o.netLr ?? 0.01;
    const realBatch = o.realBatchPerClass ?? 256;
    const trainBatch = o.trainBatch ?? 256;
    const strategy = o.dsa ?? DSA_DEFAULT_STRATEGY;
    const mode = o.dsaMode ?? 'single';
    checkPositiveInt(o.ipc, 'ipc');
    checkPositiveInt(iterations, 'iterations', 0);
    checkPositiveInt(realBatch, 'realBatchPerClass');
    checkPositiveInt(trainBatch, 'trainBatch');
    const loops = o.outerLoop != null && o.innerLoop != null ? { outerLoop: o.outerLoop, innerLoop: o.innerLoop } : gmLoops(o.ipc);
    if (o.outerLoop != null) loops.outerLoop = o.outerLoop;
    if (o.innerLoop != null) loops.innerLoop = o.innerLoop;
    checkPositiveInt(loops.outerLoop, 'outerLoop');
    checkPositiveInt(loops.innerLoop, 'innerLoop', 0);
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`gradientMatching: lr must be a positive number, got ${lr}.`);
    if (!(netLr >= 0) || !Number.isFinite(netLr)) throw new Error(`gradientMatching: netLr must be a number >= 0, got ${netLr}.`);
    if (o.init != null && o.init !== 'real' && o.init !== 'noise') throw new Error(`gradientMatching: init must be 'real' or 'noise', got '${String(o.init)}'.`);
    if (o.initialNet) sequentialLayers(o.initialNet);
    const rng = new Rng(o.seed).fork('gm');
    if (strategy.length) sampleDsaParams(rng.fork('check'), strategy, mode); // validates the strategy up front
    const init = initFromRealImages(ds, o.ipc, rng.fork('init'), 'gradientMatching');
    const k = ds.classNames.length;
    const images = o.init === 'noise' ? rng.fork('noise').normalArray(init.images.length) : init.images;
    const syn = variableFrom(tf.tensor4d(images, [k * o.ipc, ...ds.shape]));
    const imageOpt = createOptimizer({ kind: 'sgd', momentum: o.momentum ?? 0.5 });
    const lossHistory: number[] = [];
    const augment = (x: tf.Tensor4D, p: DsaParams | null) => (p ? dsaAugment(x, p) : x);
    try {
      for (let it = 0; it < iterations; it++) {
        const itRng = rng.fork(`it${it}`);
        const net = o.initialNet ? cloneModel(o.initialNet) : randomExtractor(ds, { ...o.netSpec, seed: itRng.uint32() });
        const netOpt = createOptimizer({ kind: 'sgd' });
        try {
          const layers = sequentialLayers(net);
          const weights = matchedWeights(layers);
          let sum = 0;
          for (let ol = 0; ol < loops.outerLoop; ol++) {
            const olRng = itRng.fork(`ol${ol}`);
            sum += await tidyReadScalar(() => {
              const plan = init.byClass.map((pos, c) => ({
                c,
                params: strategy.length ? sampleDsaParams(olRng, strategy, mode) : null,
                real: olRng.sample(pos, Math.min(realBatch, pos.length)),
              }));
              const realGrads = plan.map(({ c, params, real }) => {
                const x = augment(batchTensors(ds, real).x, params);
                const y = tf.fill([real.length], c, 'int32') as tf.Tensor1D;
                const { grads } = tf.variableGrads(() => crossEntropy(net.forward(x, true), y), weights);
                return weights.map((w) => asColumns(grads[w.name]));
              });
              const { value, grads } = tf.variableGrads(() => {
                const terms = plan.map(({ c, params }) => {
                  const s = augment(tf.slice(syn, [c * o.ipc, 0, 0, 0], [o.ipc, -1, -1, -1]) as tf.Tensor4D, params);
                  const gs = weightGradients(layers, s, tf.fill([o.ipc], c, 'int32') as tf.Tensor1D);
                  return gradientDistance(realGrads[c], gs);
                });
                return tf.addN(terms) as tf.Scalar;
              }, [syn]);
              imageOpt.step([syn], [grads[syn.name]], lr);
              return value;
            });
            if (!Number.isFinite(sum)) throw new Error(`gradientMatching: the loss became ${sum} at iteration ${it + 1}; lower lr (now ${lr}).`);
            if (ol === loops.outerLoop - 1) break;
            trainOnSynthetic(net, syn, init.labels, loops.innerLoop, trainBatch, netLr, netOpt, strategy, mode, olRng.fork('inner'));
          }
          const mean = sum / (k * loops.outerLoop);
          lossHistory.push(mean);
          o.onIteration?.(it + 1, mean);
        } finally {
          net.dispose();
          netOpt.dispose();
        }
      }
      return syntheticSet(ds, Float32Array.from((await syn.data()) as Float32Array), init.labels, 'gm', (performance.now() - t0) / 1000, lossHistory);
    } finally {
      syn.dispose();
      imageOpt.dispose();
    }
  };
  return o.timer ? o.timer.timeAsync('condensation', run) : run();
}

/** The reference's epoch('train', ..., aug=True): shuffled batches of the (detached) synthetic set, fresh DSA per batch, SGD on the net. */
function trainOnSynthetic(
  net: Classifier,
  syn: tf.Variable,
  labels: Int32Array,
  epochs: number,
  batch: number,
  lr: number,
  opt: ReturnType<typeof createOptimizer>,
  strategy: DsaTransform[],
  mode: DsaMode,
  rng: Rng,
): void {
  const n = labels.length;
  const params = net.parameters();
  for (let e = 0; e < epochs; e++) {
    const order = rng.permutation(n);
    for (let s = 0; s < n; s += batch) {
      const idx = order.slice(s, Math.min(n, s + batch));
      const p = strategy.length ? sampleDsaParams(rng, strategy, mode) : null;
      tf.tidy(() => {
        const xb = tf.gather(syn, tf.tensor1d(idx, 'int32')) as tf.Tensor4D;
        const x = p ? dsaAugment(xb, p) : xb;
        const y = tf.tensor1d(Int32Array.from(idx, (i) => labels[i]), 'int32');
        const { grads } = tf.variableGrads(() => crossEntropy(net.forward(x, true), y), params);
        opt.step(params, params.map((v) => grads[v.name]), lr);
      });
    }
  }
}

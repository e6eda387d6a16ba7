import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { BatchNorm, Conv2d, Linear } from '../models/nn/layers';
import type { Module } from '../models/nn/module';
import { perSampleCrossEntropy } from '../train/losses';

/**
 * Per-example clipped gradient sums for DP-SGD / DP-Adam: sum_i g_i * min(1, C / ||g_i||), where g_i is example i's
 * gradient of its cross-entropy over ALL parameters together (one L2 norm per example, as Abadi et al. 2016,
 * TF Privacy and Opacus clip).
 *
 * tfjs has no vmap, so per-example gradients are computed one of two ways:
 *  - 'microbatch': one forward/backward per example (microbatches of size 1), any model. The baseline.
 *  - 'ghost': one forward and one backward for the whole batch, for models whose parameters all sit in Linear and
 *    Conv2d layers (ReLU, pooling, flatten, dropout in between). The backward pass is taken with respect to a zero
 *    scalar added to the first layer's output, so it yields each layer's output gradient dL_i/dy_i (the loss is the
 *    SUM of per-example losses, so row i of dL/dy is example i's) without computing any weight gradient. Each
 *    layer's input a_i and output gradient g_i then give the per-example norms and the clipped sums:
 *      Linear: grad_i = a_i^T g_i, so ||grad_i||^2 = ||a_i||^2 ||g_i||^2 (Goodfellow 2015), bias grad_i = g_i, and the
 *        clipped sum is a^T (c * g) with c_i the clip factors ("book-keeping", Bu et al. 2023: no second backward);
 *      Conv2d: per layer the cheapest exact way (ConvNormMode below): ghost norms from [T, T] Gram matrices
 *        (Li et al. 2022) for deep layers, else every per-example gradient instantiated at once (one depthwise
 *        convolution, or a batched matMul of im2col patches) and the clipped sum taken from those.
 *    The layers' forward methods are wrapped on the instances for the duration of the call (to record a_i and tap
 *    g_i) and restored afterwards.
 * Both give the same sums (test/privacy/per-example.test.ts checks them against each other on the mlp and cnn4).
 *
 * BatchNorm in training mode mixes the examples of a batch (each output depends on the batch statistics), so a
 * per-example gradient is not defined and its running statistics would be released without noise: models with
 * BatchNorm are refused (as Opacus does); build them with norm 'none' (cnn4, convnet) or an instance norm.
 */
export type PerExampleMethod = 'ghost' | 'microbatch';

export interface ClippedSum {
  /** Sum over the examples of each clipped gradient, one tensor per model.parameters() entry, in that order. */
  sums: tf.Tensor[];
  /** Each example's gradient L2 norm before clipping, [n]. */
  norms: tf.Tensor1D;
  /** Sum of the examples' cross-entropies (a scalar). */
  lossSum: tf.Scalar;
}

/** Disposes every tensor of a ClippedSum. */
export function disposeClippedSum(c: ClippedSum): void {
  tf.dispose([...c.sums, c.norms, c.lossSum]);
}

function isLeaf(m: Module): boolean {
  return m.namedModules().length === 1;
}

/**
 * Throws when per-example clipping cannot be done right on this model: BatchNorm (mixes the examples of a batch), or
 * a parameter listed twice (a shared layer, whose gradient would be counted twice in the norm and stepped twice).
 */
export function checkPerExampleModel(model: Classifier): void {
  const seen = new Map<tf.Variable, string>();
  for (const [name, v] of model.namedParameters()) {
    const first = seen.get(v);
    if (first != null) {
      throw new Error(
        `DP training: ${model.spec.arch} shares parameter '${first}' between two places ('${name}'); per-example clipping ` +
          'would count its gradient twice. Give each place its own layer.',
      );
    }
    seen.set(v, name);
  }
  const bn = model.namedModules().find(([, m]) => m instanceof BatchNorm);
  if (bn != null) {
    throw new Error(
      `DP training needs per-example gradients, but ${model.spec.arch} has BatchNorm ('${bn[0]}'), which mixes the examples ` +
        "of a batch (and would release its running statistics without noise). Build the model with { norm: 'none' } " +
        "(cnn4, convnet) or { norm: 'instance' } (convnet) instead.",
    );
  }
}

/** The Linear / Conv2d layers holding all of the model's parameters, or the reason the ghost method cannot run. */
export function ghostLayers(model: Classifier): { layers: Array<Linear | Conv2d> } | { reason: string } {
  const layers: Array<Linear | Conv2d> = [];
  const covered = new Set<tf.Variable>();
  for (const [name, m] of model.namedModules()) {
    if (!isLeaf(m) || m.parameters().length === 0) continue;
    if (!(m instanceof Linear || m instanceof Conv2d)) {
      return { reason: `layer '${name}' (${m.constructor.name}) has parameters and is neither Linear nor Conv2d` };
    }
    layers.push(m);
    for (const p of m.parameters()) covered.add(p);
  }
  const missing = model.parameters().find((p) => !covered.has(p));
  if (missing != null) return { reason: `parameter '${missing.name}' is not held by a Linear or Conv2d layer` };
  if (layers.length === 0) return { reason: 'the model has no Linear or Conv2d layer' };
  return { layers };
}

/** The per-example method 'auto' picks: 'ghost' where every parameter is in a Linear or Conv2d layer. */
export function choosePerExampleMethod(model: Classifier): PerExampleMethod {
  return 'layers' in ghostLayers(model) ? 'ghost' : 'microbatch';
}

/**
 * im2col: the k x k patches of a Conv2d's input at each output position, [n, ho, wo, k*k*cin], element
 * (kh*k + kw)*cin + c = padded input pixel (h*stride + kh, w*stride + kw, c), matching the flattening of the weight
 * [k, k, cin, cout]. Built from k*k (strided) slices of the padded input: memory moves only (a convolution with an
 * identity filter gives the same patches at k*k*cin times the multiply-adds).
 */
export function im2col(x: tf.Tensor4D, k: number, stride: number, padding: Conv2d['padding']): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const [top, bottom, left, right] = convPads(h, w, k, stride, padding);
    const padded =
      top + bottom + left + right > 0
        ? tf.pad(x, [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ])
        : x;
    const ho = Math.floor((h + top + bottom - k) / stride) + 1;
    const wo = Math.floor((w + left + right - k) / stride) + 1;
    const cols: tf.Tensor4D[] = [];
    for (let kh = 0; kh < k; kh++) {
      for (let kw = 0; kw < k; kw++) {
        cols.push(
          stride === 1
            ? tf.slice(padded, [0, kh, kw, 0], [n, ho, wo, c])
            : (tf.stridedSlice(padded, [0, kh, kw, 0], [n, kh + (ho - 1) * stride + 1, kw + (wo - 1) * stride + 1, c], [1, stride, stride, 1]) as tf.Tensor4D),
        );
      }
    }
    return cols.length === 1 ? cols[0].clone() : tf.concat(cols, 3);
  });
}

interface Tap {
  layer: Linear | Conv2d;
  input: tf.Tensor | null;
  dy: tf.Tensor | null;
  calls: number;
}

type Forward = (x: tf.Tensor, training: boolean) => tf.Tensor;

function clipFactors(norms: tf.Tensor1D, clip: number): tf.Tensor1D {
  return tf.minimum(1, tf.div(clip, tf.maximum(norms, 1e-12))) as tf.Tensor1D;
}

/** What one layer contributes: its per-example squared gradient norms, and its clipped sums given the clip factors. */
interface LayerPart {
  squaredNorms: tf.Tensor1D[];
  clippedSums(c: tf.Tensor1D): Array<[tf.Variable, tf.Tensor]>;
}

/** Linear, y = a W + b: grad_i(W) = a_i^T g_i, so ||grad_i(W)||^2 = ||a_i||^2 ||g_i||^2; grad_i(b) = g_i. */
function linearPart(layer: Linear, input: tf.Tensor, g: tf.Tensor): LayerPart {
  const n = g.shape[0];
  const a = tf.reshape(input, [n, -1]) as tf.Tensor2D;
  const gg = tf.tidy(() => tf.sum(tf.square(g), 1) as tf.Tensor1D);
  return {
    squaredNorms: [tf.tidy(() => tf.mul(tf.sum(tf.square(a), 1), gg) as tf.Tensor1D), ...(layer.bias ? [gg] : [])],
    clippedSums: (c) => {
      const gc = tf.mul(g, tf.reshape(c, [n, 1])) as tf.Tensor2D;
      // a^T (c g); wasm's matMul with transposeA is a slow loop, an explicit transpose is not.
      const out: Array<[tf.Variable, tf.Tensor]> = [[layer.weight, tf.matMul(tf.transpose(a), gc)]];
      if (layer.bias) out.push([layer.bias, tf.reshape(tf.matMul(tf.ones([1, n]), gc), [-1])]);
      return out;
    },
  };
}

/**
 * How a Conv2d layer's per-example weight-gradient norms are computed (all exact; they differ in cost):
 *  - 'ghost': ||grad_i||^2 = sum(P_i P_i^T * G_i G_i^T), [T, T] Gram matrices of the patches and output gradients;
 *    cheap when the output has few positions T (deep layers);
 *  - 'depthwise': every grad_i instantiated at once as ONE depthwise convolution (Rochette et al. 2019's trick):
 *    the padded input with channels as the batch and examples as channels, [cin, H, W, n], convolved with the output
 *    gradient as the filter, [Ho, Wo, n, cout] (dilated by the stride), gives [cin, k, k, n*cout] = grad_i[kh, kw, c, o];
 *    XNNPACK runs it, where tfjs-wasm's batched matMul is a plain loop;
 *  - 'batched': grad_i = P_i^T G_i by a batched matMul (first layers: few input channels, many positions).
 * 'auto' takes 'ghost' when T^2 (D + cout) <= T D cout / 4 (D = k*k*cin), else 'depthwise' when cin >= 16, else
 * 'batched' (timed on the cnn4 layers on wasm, 2 cores).
 */
export type ConvNormMode = 'ghost' | 'depthwise' | 'batched';

function chooseConvMode(t: number, d: number, cout: number, cin: number): ConvNormMode {
  if (4 * t * t * (d + cout) <= t * d * cout) return 'ghost';
  return cin >= 16 ? 'depthwise' : 'batched';
}

/** Conv2d's padding as [top, bottom, left, right] for an h x w input (TensorFlow's 'same': the extra pixel at the end). */
function convPads(h: number, w: number, k: number, stride: number, padding: Conv2d['padding']): [number, number, number, number] {
  if (typeof padding === 'number') return [padding, padding, padding, padding];
  if (padding === 'valid') return [0, 0, 0, 0];
  const ph = Math.max((Math.ceil(h / stride) - 1) * stride + k - h, 0);
  const pw = Math.max((Math.ceil(w / stride) - 1) * stride + k - w, 0);
  return [Math.floor(ph / 2), ph - Math.floor(ph / 2), Math.floor(pw / 2), pw - Math.floor(pw / 2)];
}

function convPart(layer: Conv2d, a: tf.Tensor4D, g: tf.Tensor4D, mode: ConvNormMode | 'auto'): LayerPart {
  const [n, h, w, cin] = a.shape;
  const [, ho, wo, cout] = g.shape;
  const k = layer.kernel;
  const s = layer.stride;
  const t = ho * wo;
  const d = k * k * cin;
  const chosen = mode === 'auto' ? chooseConvMode(t, d, cout, cin) : mode;
  const gm = tf.reshape(g, [n, t, cout]) as tf.Tensor3D;
  const gb = tf.sum(gm, 1) as tf.Tensor2D; // per-example bias gradients [n, cout]
  const biasNorms = layer.bias ? [tf.tidy(() => tf.sum(tf.square(gb), 1) as tf.Tensor1D)] : [];
  const biasSum = (c: tf.Tensor1D): Array<[tf.Variable, tf.Tensor]> => (layer.bias ? [[layer.bias, tf.sum(tf.mul(gb, tf.reshape(c, [n, 1])), 0)]] : []);
  const checkGeometry = (gotH: number, gotW: number) => {
    if (gotH !== ho || gotW !== wo) {
      throw new Error(`per-example gradients ('ghost'): a Conv2d's patches are ${gotH}x${gotW} but its output is ${ho}x${wo}; use perExample: 'microbatch'.`);
    }
  };
  if (chosen === 'depthwise') {
    const [top, bottom, left, right] = convPads(h, w, k, s, layer.padding);
    // The input rows and columns the windows reach: (ho - 1) * s + k of the padded input.
    const spanH = (ho - 1) * s + k;
    const spanW = (wo - 1) * s + k;
    checkGeometry(Math.floor((h + top + bottom - k) / s) + 1, Math.floor((w + left + right - k) / s) + 1);
    const per = tf.tidy(() => {
      const padded = tf.pad(a, [
        [0, 0],
        [top, Math.max(0, bottom)],
        [left, Math.max(0, right)],
        [0, 0],
      ]);
      const cropped = tf.slice(padded, [0, 0, 0, 0], [n, spanH, spanW, cin]);
      const xT = tf.transpose(cropped, [3, 1, 2, 0]) as tf.Tensor4D; // [cin, spanH, spanW, n]
      const gT = tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D; // [ho, wo, n, cout]
      return tf.depthwiseConv2d(xT, gT, 1, 'valid', 'NHWC', [s, s]); // [cin, k, k, n * cout]
    });
    const per5 = tf.reshape(per, [cin, k, k, n, cout]);
    // The sum over the leading d axis as ones[1, d] x [d, n*cout], then a trailing-axis sum. (A 5-D tf.sum over
    // [0, 1, 2, 4] transposes the whole tensor on wasm, 100x slower.)
    const norms = tf.tidy(
      () => tf.sum(tf.reshape(tf.matMul(tf.ones([1, d]), tf.square(tf.reshape(per, [d, n * cout]))), [n, cout]), 1) as tf.Tensor1D,
    );
    return {
      squaredNorms: [norms, ...biasNorms],
      clippedSums: (c) => {
        const summed = tf.sum(tf.mul(per5, tf.reshape(c, [n, 1])), 3); // [cin, k, k, cout]
        return [[layer.weight, tf.transpose(summed, [1, 2, 0, 3])], ...biasSum(c)];
      },
    };
  }
  const patches4 = im2col(a, k, s, layer.padding);
  checkGeometry(patches4.shape[1], patches4.shape[2]);
  const patches = tf.reshape(patches4, [n, t, d]) as tf.Tensor3D;
  if (chosen === 'batched') {
    const per = tf.matMul(patches, gm, true, false); // [n, d, cout]
    return {
      squaredNorms: [tf.tidy(() => tf.sum(tf.square(tf.reshape(per, [n, d * cout])), 1) as tf.Tensor1D), ...biasNorms],
      // c^T [n, d*cout]: a matMul, not a leading-axis tf.sum (see the depthwise case).
      clippedSums: (c) => [[layer.weight, tf.reshape(tf.matMul(tf.reshape(c, [1, n]), tf.reshape(per, [n, d * cout])), layer.weight.shape)], ...biasSum(c)],
    };
  }
  return {
    squaredNorms: [
      tf.tidy(() => tf.sum(tf.reshape(tf.mul(tf.matMul(patches, patches, false, true), tf.matMul(gm, gm, false, true)), [n, t * t]), 1) as tf.Tensor1D),
      ...biasNorms,
    ],
    clippedSums: (c) => {
      // P^T (c G) over all examples and positions: one [d, n*t] x [n*t, cout] product.
      const gc = tf.reshape(tf.mul(gm, tf.reshape(c, [n, 1, 1])), [n * t, cout]) as tf.Tensor2D;
      const w = tf.matMul(tf.transpose(tf.reshape(patches, [n * t, d])) as tf.Tensor2D, gc);
      return [[layer.weight, tf.reshape(w, layer.weight.shape)], ...biasSum(c)];
    },
  };
}

/** One forward + one backward for the batch; see the file comment. */
function ghostSum(model: Classifier, layers: Array<Linear | Conv2d>, x: tf.Tensor4D, y: tf.Tensor1D, clip: number, convMode: ConvNormMode | 'auto'): ClippedSum {
  const taps: Tap[] = layers.map((layer) => ({ layer, input: null, dy: null, calls: 0 }));
  const kept: tf.Tensor[] = [];
  const keep = (t: tf.Tensor) => {
    const c = tf.keep(t.clone());
    kept.push(c);
    return c;
  };
  const probe = tf.scalar(0);
  let probeUsed = false;
  for (const tap of taps) {
    const original = Object.getPrototypeOf(tap.layer).forward as Forward;
    const wrapped: Forward = (input, training) => {
      tap.calls++;
      if (tap.calls > 1) {
        throw new Error(`per-example gradients ('ghost'): layer ${tap.layer.constructor.name} is applied twice in one forward pass; use perExample: 'microbatch'.`);
      }
      tap.input = keep(input);
      let out = original.call(tap.layer, input, training);
      if (!probeUsed) {
        out = tf.add(out, probe);
        probeUsed = true;
      }
      const tapped = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
        value: (args[0] as tf.Tensor).clone(),
        gradFunc: (dy: tf.Tensor) => {
          tap.dy = keep(dy);
          return dy.clone();
        },
      }));
      return tapped(out);
    };
    (tap.layer as unknown as { forward: Forward }).forward = wrapped;
  }
  try {
    const out = tf.tidy(() => {
      const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => {
        const logits = model.forward(x, true);
        if (!probeUsed) throw new Error('per-example gradients (\'ghost\'): no Linear or Conv2d layer ran in the forward pass.');
        // `p` is `probe`: the wrapped layers add the same tensor object.
        void p;
        return tf.sum(perSampleCrossEntropy(logits, y)) as tf.Scalar;
      })(probe);
      grad.dispose();
      const parts: LayerPart[] = [];
      for (const tap of taps) {
        if (tap.calls === 0) continue; // not in the forward pass: zero gradient
        if (tap.input == null || tap.dy == null) {
          throw new Error(`per-example gradients ('ghost'): no output gradient reached a ${tap.layer.constructor.name} layer; use perExample: 'microbatch'.`);
        }
        parts.push(tap.layer instanceof Linear ? linearPart(tap.layer, tap.input, tap.dy) : convPart(tap.layer, tap.input as tf.Tensor4D, tap.dy as tf.Tensor4D, convMode));
      }
      const sq = parts.flatMap((p) => p.squaredNorms);
      const norms = tf.sqrt(sq.length === 1 ? sq[0] : tf.addN(sq)) as tf.Tensor1D;
      const c = clipFactors(norms, clip);
      const byParam = new Map<tf.Variable, tf.Tensor>();
      for (const p of parts) for (const [v, t] of p.clippedSums(c)) byParam.set(v, t);
      const sums = model.parameters().map((v) => byParam.get(v) ?? tf.zerosLike(v));
      return [norms, value, ...sums];
    });
    const [norms, lossSum, ...sums] = out;
    return { sums, norms: norms as tf.Tensor1D, lossSum: lossSum as tf.Scalar };
  } finally {
    for (const tap of taps) delete (tap.layer as unknown as { forward?: Forward }).forward;
    tf.dispose(kept);
    probe.dispose();
  }
}

/** One forward/backward per example (microbatches of size 1). */
function microbatchSum(model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, clip: number): ClippedSum {
  const params = model.parameters();
  const n = x.shape[0];
  let sums: tf.Tensor[] = params.map((p) => tf.zerosLike(p));
  let lossSum: tf.Scalar = tf.scalar(0);
  const norms: tf.Scalar[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const [norm, loss, ...next] = tf.tidy(() => {
        const xi = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]);
        const yi = tf.slice(y, [i], [1]);
        const { value, grads } = tf.variableGrads(() => tf.sum(perSampleCrossEntropy(model.forward(xi, true), yi)) as tf.Scalar, params);
        const gs = params.map((p) => grads[p.name] ?? tf.zerosLike(p));
        const norm = tf.sqrt(tf.addN(gs.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
        const c = tf.minimum(1, tf.div(clip, tf.maximum(norm, 1e-12)));
        return [norm, tf.add(lossSum, value), ...gs.map((g, k) => tf.add(sums[k], tf.mul(g, c)))];
      });
      tf.dispose([...sums, lossSum]);
      sums = next;
      lossSum = loss as tf.Scalar;
      norms.push(norm as tf.Scalar);
    }
    const normVec = n === 0 ? tf.zeros([0]) : tf.stack(norms);
    return { sums, norms: normVec as tf.Tensor1D, lossSum };
  } catch (err) {
    tf.dispose([...sums, lossSum]);
    throw err;
  } finally {
    tf.dispose(norms);
  }
}

export interface ClippedSumOptions {
  /** Clipping norm C (> 0). */
  clip: number;
  /** 'ghost' (vectorised; Linear/Conv2d models), 'microbatch' (any model) or 'auto' (ghost where it applies; default). */
  method?: PerExampleMethod | 'auto';
  /** How the ghost method takes a Conv2d's per-example norms (default 'auto'; the others are for tests and timing). */
  convMode?: ConvNormMode | 'auto';
}

/**
 * Sum over the batch of per-example cross-entropy gradients, each clipped to L2 norm <= clip (over all parameters
 * together), with the norms before clipping and the loss sum. The model runs in training mode (dropout on). The
 * caller owns the returned tensors (disposeClippedSum).
 */
export function clippedGradientSum(model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, o: ClippedSumOptions): ClippedSum {
  if (!(typeof o.clip === 'number' && o.clip > 0 && Number.isFinite(o.clip))) {
    throw new Error(`clip must be a finite number > 0 (the per-example gradient L2 bound), got ${o.clip}.`);
  }
  checkPerExampleModel(model);
  model.checkInput(x);
  if (y.shape[0] !== x.shape[0]) throw new Error(`clippedGradientSum: ${x.shape[0]} images but ${y.shape[0]} labels.`);
  const method = o.method ?? 'auto';
  if (method !== 'auto' && method !== 'ghost' && method !== 'microbatch') {
    throw new Error(`perExample must be 'auto', 'ghost' or 'microbatch', got '${String(method)}'.`);
  }
  const ghost = method === 'microbatch' ? null : ghostLayers(model);
  if (method === 'ghost' && ghost != null && 'reason' in ghost) {
    throw new Error(`perExample 'ghost' cannot run on ${model.spec.arch}: ${ghost.reason}. Use 'microbatch' or 'auto'.`);
  }
  if (x.shape[0] === 0) {
    return { sums: model.parameters().map((p) => tf.zerosLike(p)), norms: tf.zeros([0]) as tf.Tensor1D, lossSum: tf.scalar(0) };
  }
  if (ghost != null && 'layers' in ghost) return ghostSum(model, ghost.layers, x, y, o.clip, o.convMode ?? 'auto');
  return microbatchSum(model, x, y, o.clip);
}

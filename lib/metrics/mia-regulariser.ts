import * as tf from '@tensorflow/tfjs';

/**
 * The differentiable MIA regulariser of A-AMU (Khan 2025, sec. 3.4; docs/reference/blend-a-amu.md#a6 steps 4-5).
 *
 * For each set separately (forget F, test T):
 *   u_i = log(1 + c_i + 1e-8)                                  (c = per-sample CE)
 *   F_i = (1/n) sum_j sigmoid(k * relu(u_i - u_j))              (referenceRelu = true, the reference code)
 *   F_i = (1/n) sum_j sigmoid(k * (u_i - u_j))                  (referenceRelu = false, the paper's formula)
 *   z_i = clamp(probit(F_i), -kappa, kappa)
 * then the biased (V-statistic) squared MMD with a Gaussian kernel exp(-d^2 / (2 sigma^2)):
 *   MMD^2 = mean K(zF, zF) + mean K(zT, zT) - 2 mean K(zF, zT)   (means over full n x m matrices, diagonals included).
 *
 * Choices that follow the reference code (docs/reference/blend-a-amu.md#a6, #a12-2):
 * - Each set gets its OWN smoothed empirical CDF (not a pooled one), so z mainly encodes the
 *   within-set shape of the log-losses rather than their absolute level.
 * - The test branch is detached (stop-gradient): gradients flow only through forgetLosses.
 * - The ReLU (reference code): pairs with u_i <= u_j contribute sigmoid(0) = 0.5 instead of
 *   ~0, so F_i lies in [0.5, 1 - 0.5/n) and z >= 0. Without it F_i lies in (0, 1) and z is
 *   centred near 0. Default true, to match the reference.
 * - kappa = 60 is the reference clip; it never binds in float32.
 */
export interface MiaRegulariserOptions {
  /** Sigmoid slope ("temperature") of the smoothed CDF; reference 2. */
  k?: number;
  /** Gaussian-kernel bandwidth; reference 1. */
  sigma?: number;
  /** Put the reference code's ReLU inside the sigmoid (default true). */
  referenceRelu?: boolean;
  /** Clip of the probit output; reference 60. */
  kappa?: number;
}

/** Identity in the forward pass, zero gradient (tfjs has no stop_gradient op). */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
    value: (args[0] as tf.Tensor).clone(),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return f(x) as T;
}

// Acklam's rational approximation of the standard-normal quantile (relative error < 1.2e-9,
// well below float32 precision), written with tensor ops so it runs on any backend.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function horner(coeffs: number[], x: tf.Tensor, trailingOne: boolean): tf.Tensor {
  let acc: tf.Tensor = tf.scalar(coeffs[0]);
  for (let i = 1; i < coeffs.length; i++) acc = tf.add(tf.mul(acc, x), coeffs[i]);
  if (trailingOne) acc = tf.add(tf.mul(acc, x), 1);
  return acc;
}

function probitForward(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const eps = 1e-7;
    const pc = tf.clipByValue(p, eps, 1 - eps);
    const q = tf.sub(pc, 0.5);
    const r = tf.mul(q, q);
    const central = tf.div(tf.mul(horner(A, r, false), q), horner(B, r, true));
    const tail = (t: tf.Tensor): tf.Tensor => {
      const s = tf.sqrt(tf.mul(-2, tf.log(t)));
      return tf.div(horner(C, s, false), horner(D, s, true));
    };
    const low = tail(pc);
    const high = tf.neg(tail(tf.sub(1, pc)));
    return tf.where(tf.less(pc, P_LOW), low, tf.where(tf.greater(pc, 1 - P_LOW), high, central));
  });
}

/** Standard-normal inverse CDF, differentiable: d probit(p)/dp = sqrt(2 pi) exp(z^2 / 2). */
export function probit(p: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const z = probitForward(args[0] as tf.Tensor);
    (args[1] as tf.GradSaveFunc)([z]);
    return {
      value: z,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.mul(dy, tf.mul(Math.sqrt(2 * Math.PI), tf.exp(tf.mul(0.5, tf.square(saved[0]))))),
    };
  });
  return f(p);
}

/** log1p-loss -> smoothed within-set CDF -> probit, for one set (1-D). */
export function gaussianisedLosses(losses: tf.Tensor1D, k = 2, referenceRelu = true, kappa = 60): tf.Tensor1D {
  return tf.tidy(() => {
    const u = tf.log(tf.add(losses, 1 + 1e-8));
    // diff[i, j] = u_i - u_j
    const diff = tf.sub(tf.expandDims(u, 1), tf.expandDims(u, 0));
    const arg = referenceRelu ? tf.relu(diff) : diff;
    const cdf = tf.mean(tf.sigmoid(tf.mul(k, arg)), 1);
    return tf.clipByValue(probit(cdf), -kappa, kappa) as tf.Tensor1D;
  });
}

function meanGaussianKernel(a: tf.Tensor1D, b: tf.Tensor1D, sigma: number): tf.Scalar {
  const d = tf.sub(tf.expandDims(a, 1), tf.expandDims(b, 0));
  return tf.mean(tf.exp(tf.div(tf.square(d), -2 * sigma * sigma)));
}

function checkLosses(name: string, t: tf.Tensor): void {
  if (t.rank !== 1) throw new Error(`miaRegulariser: ${name} must be a 1-D tensor of per-sample losses, got shape [${t.shape.join(', ')}]. Pass per-sample CE (no reduction).`);
  if (t.size === 0) throw new Error(`miaRegulariser: ${name} is empty; pass at least one per-sample loss.`);
}

/**
 * Biased MMD^2 between the Gaussianised forget and test losses (see the file comment). The
 * gradient flows through forgetLosses only. Ideal value 0 (forget losses distributed like test
 * losses after the transform).
 */
export function miaRegulariser(forgetLosses: tf.Tensor1D, testLosses: tf.Tensor1D, opts: MiaRegulariserOptions = {}): tf.Scalar {
  const k = opts.k ?? 2;
  const sigma = opts.sigma ?? 1;
  const referenceRelu = opts.referenceRelu ?? true;
  const kappa = opts.kappa ?? 60;
  checkLosses('forgetLosses', forgetLosses);
  checkLosses('testLosses', testLosses);
  if (!(k > 0) || !Number.isFinite(k)) throw new Error(`miaRegulariser: opts.k must be a positive finite number (reference 2), got ${k}.`);
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`miaRegulariser: opts.sigma must be a positive finite number (reference 1), got ${sigma}.`);
  if (!(kappa > 0)) throw new Error(`miaRegulariser: opts.kappa must be positive (reference 60), got ${kappa}.`);
  return tf.tidy(() => {
    const zF = gaussianisedLosses(forgetLosses, k, referenceRelu, kappa);
    const zT = stopGradient(gaussianisedLosses(testLosses, k, referenceRelu, kappa));
    const ff = meanGaussianKernel(zF, zF, sigma);
    const tt = meanGaussianKernel(zT, zT, sigma);
    const ft = meanGaussianKernel(zF, zT, sigma);
    return tf.sub(tf.add(ff, tt), tf.mul(2, ft)) as tf.Scalar;
  });
}

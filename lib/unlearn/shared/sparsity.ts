import * as tf from '@tensorflow/tfjs';
import { readAndDispose, tidyRead } from '../../engine/read';
import type { Classifier } from '../../models/classifier';
import { Conv2d, InstanceNorm, Linear } from '../../models/nn/layers';

export type PrunableLayers = 'conv' | 'conv+linear';

/** The weight tensors pruning acts on: Conv2d weights only (reference DC_Unlearning), or Conv2d + Linear (SynFlow, DC_U). */
export function prunableWeights(model: Classifier, layers: PrunableLayers): Array<{ name: string; weight: tf.Variable }> {
  const out: Array<{ name: string; weight: tf.Variable }> = [];
  for (const [name, m] of model.namedModules()) {
    if (m instanceof Conv2d || (layers === 'conv+linear' && m instanceof Linear)) out.push({ name: `${name}.weight`, weight: m.weight });
  }
  if (out.length === 0) {
    throw new Error(`pruning: ${model.name} has no ${layers === 'conv' ? 'Conv2d' : 'Conv2d or Linear'} weights to prune. Use a convolutional model or layers 'conv+linear'.`);
  }
  return out;
}

/**
 * Binary masks over a model's prunable weights (1 = kept). Masks persist across fine-tuning: apply()
 * after every optimiser step keeps pruned weights at exactly 0 (what PyTorch's weight = orig * mask
 * reparametrisation gives for the effective weights).
 */
export class PruningMasks {
  readonly masks: tf.Tensor[];

  constructor(readonly targets: Array<{ name: string; weight: tf.Variable }>) {
    this.masks = targets.map((t) => tf.keep(tf.onesLike(t.weight)));
  }

  get total(): number {
    return this.targets.reduce((s, t) => s + t.weight.size, 0);
  }

  /** Number of kept (unpruned) weights. */
  async kept(): Promise<number> {
    const sums = await tidyRead(() => this.masks.map((m) => tf.sum(m)));
    return sums.reduce((s, v) => s + v[0], 0);
  }

  /** Fraction of prunable weights that are pruned. */
  async sparsity(): Promise<number> {
    return 1 - (await this.kept()) / this.total;
  }

  apply(): void {
    tf.tidy(() => this.targets.forEach((t, i) => t.weight.assign(tf.mul(t.weight, this.masks[i]))));
  }

  /**
   * Keeps the `keep` highest-scoring weights among the currently kept ones (one global ranking over all
   * targets; ties broken by position), prunes the rest, and zeroes them.
   */
  async keepTop(scores: Float32Array[], keep: number): Promise<void> {
    const masksNow = await Promise.all(this.masks.map((m) => m.data()));
    const all = new Float32Array(this.total);
    let o = 0;
    scores.forEach((s, i) => {
      // Already-pruned weights can never come back: rank them below every real score.
      for (let j = 0; j < s.length; j++) all[o + j] = masksNow[i][j] > 0 ? s[j] : -1;
      o += s.length;
    });
    const sorted = Float32Array.from(all).sort();
    const k = Math.max(0, Math.min(keep, all.length));
    const threshold = k === 0 ? Infinity : sorted[all.length - k];
    let above = 0;
    for (const v of all) if (v > threshold) above++;
    let ties = k - above;
    o = 0;
    this.masks.forEach((m, i) => {
      const next = new Float32Array(m.size);
      for (let j = 0; j < next.length; j++) {
        const v = all[o + j];
        next[j] = v > threshold || (v === threshold && v >= 0 && ties-- > 0) ? 1 : 0;
      }
      o += next.length;
      m.dispose();
      this.masks[i] = tf.keep(tf.tensor(next, m.shape));
    });
    this.apply();
  }

  dispose(): void {
    this.masks.forEach((m) => m.dispose());
  }
}

/** |w| of every target (zero where pruned): the score of global magnitude (L1) pruning. */
export async function magnitudeScores(masks: PruningMasks): Promise<Float32Array[]> {
  return (await tidyRead(() => masks.targets.map((t) => tf.abs(t.weight)))) as Float32Array[];
}

/**
 * SynFlow scores (Tanaka et al. 2020, as used by the 2024 reference): replace every parameter and buffer
 * by its absolute value (pruned weights stay 0), feed one all-ones image in evaluation mode, take
 * R = sum of the logits, and score each prunable weight by |theta * dR/dtheta|. Weights are restored.
 *
 * instanceNorm 'affine' scores instance-norm layers as their affine part only (y = gamma x + beta), the
 * analogue of the batch norm in evaluation mode that the reference's networks have. Normalising a
 * single all-ones image per sample and channel makes R invariant to the scale of each conv filter in
 * front of it, so with 'normalise' those scores are ~0 and the first conv layer is pruned away entirely.
 */
export async function synflowScores(model: Classifier, masks: PruningMasks, instanceNorm: 'affine' | 'normalise' = 'affine'): Promise<Float32Array[]> {
  const state = [...model.namedParameters(), ...model.namedBuffers()].map(([, v]) => v);
  const saved = state.map((v) => tf.keep(v.clone()));
  const patched: InstanceNorm[] = [];
  if (instanceNorm === 'affine') {
    for (const [, m] of model.namedModules()) {
      if (m instanceof InstanceNorm) {
        // An own-property override of forward for the scoring pass only; removed in finally.
        Object.defineProperty(m, 'forward', { value: (x: tf.Tensor) => tf.add(tf.mul(x, m.gamma), m.beta), configurable: true });
        patched.push(m);
      }
    }
  }
  try {
    tf.tidy(() => state.forEach((v) => v.assign(tf.abs(v))));
    const scores = tf.tidy(() => {
      const ones = tf.ones([1, ...model.spec.inputShape]);
      const vars = masks.targets.map((t) => t.weight);
      const { grads } = tf.variableGrads(() => tf.sum(model.forward(ones, false)) as tf.Scalar, vars);
      return masks.targets.map((t) => tf.abs(tf.mul(grads[t.weight.name], t.weight)));
    });
    return (await readAndDispose(scores)) as Float32Array[];
  } finally {
    for (const m of patched) delete (m as unknown as Record<string, unknown>).forward;
    state.forEach((v, i) => v.assign(saved[i]));
    saved.forEach((x) => x.dispose());
  }
}

/**
 * The plan parts of fine-tuning under masks (pruning, SynFlow): re-apply them after every optimiser
 * step, report the sparsity in each epoch's history row, free them when the run ends.
 */
export function maskedFineTuning(masks: PruningMasks): { afterStep: () => void; epochExtra: () => Promise<Record<string, number>>; cleanup: () => void } {
  return { afterStep: () => masks.apply(), epochExtra: async () => ({ sparsity: await masks.sparsity() }), cleanup: () => masks.dispose() };
}

import * as tf from '@tensorflow/tfjs';
import type { AdamSpec, Optimizer } from './optimizer';

/**
 * torch.optim.Adam (L2 weight decay added to the gradient, bias-corrected moments, eps outside the sqrt).
 * As in torch, every parameter keeps its own step count: a parameter not stepped (a frozen model part, a
 * cluster chunk optimised in another call) does not advance the bias correction of the others.
 */
export class Adam implements Optimizer {
  readonly kind = 'adam';
  private readonly m = new Map<tf.Variable, tf.Variable>();
  private readonly v = new Map<tf.Variable, tf.Variable>();
  private readonly t = new Map<tf.Variable, number>();
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;

  constructor(spec: Omit<AdamSpec, 'kind'> = {}) {
    this.beta1 = spec.beta1 ?? 0.9;
    this.beta2 = spec.beta2 ?? 0.999;
    this.eps = spec.eps ?? 1e-8;
    this.weightDecay = spec.weightDecay ?? 0;
    for (const [k, x] of Object.entries({ beta1: this.beta1, beta2: this.beta2 })) {
      if (!(x >= 0 && x < 1)) throw new Error(`Adam ${k} must be in [0, 1), got ${x}.`);
    }
  }

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    tf.tidy(() => {
      params.forEach((p, i) => {
        const t = (this.t.get(p) ?? 0) + 1;
        this.t.set(p, t);
        const c1 = 1 - this.beta1 ** t;
        const c2 = 1 - this.beta2 ** t;
        let g = grads[i];
        if (this.weightDecay > 0) g = tf.add(g, tf.mul(p, this.weightDecay));
        let m = this.m.get(p);
        let v = this.v.get(p);
        if (m == null || v == null) {
          m = tf.variable(tf.zerosLike(p), false);
          v = tf.variable(tf.zerosLike(p), false);
          this.m.set(p, m);
          this.v.set(p, v);
        }
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const denom = tf.add(tf.sqrt(tf.div(v, c2)), this.eps);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), lr / c1)));
      });
    });
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose();
    this.m.clear();
    this.v.clear();
    this.t.clear();
  }
}

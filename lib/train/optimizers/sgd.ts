import * as tf from '@tensorflow/tfjs';
import type { Optimizer, SgdSpec } from './optimizer';

/** torch.optim.SGD: g += wd*p; buf = m*buf + g (buf = g at the first step); p -= lr*(nesterov ? g + m*buf : buf). */
export class Sgd implements Optimizer {
  readonly kind = 'sgd';
  private readonly buffers = new Map<tf.Variable, tf.Variable>();
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;

  constructor(spec: Omit<SgdSpec, 'kind'> = {}) {
    this.momentum = spec.momentum ?? 0;
    this.nesterov = spec.nesterov ?? false;
    this.weightDecay = spec.weightDecay ?? 0;
    if (this.momentum < 0 || this.weightDecay < 0) throw new Error('SGD momentum and weightDecay must be >= 0.');
    if (this.nesterov && this.momentum <= 0) throw new Error('SGD with nesterov needs momentum > 0.');
  }

  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void {
    tf.tidy(() => {
      params.forEach((p, i) => {
        let g = grads[i];
        if (this.weightDecay > 0) g = tf.add(g, tf.mul(p, this.weightDecay));
        if (this.momentum > 0) {
          let buf = this.buffers.get(p);
          if (buf == null) {
            buf = tf.variable(g, false);
            this.buffers.set(p, buf);
          } else {
            buf.assign(tf.add(tf.mul(buf, this.momentum), g));
          }
          g = this.nesterov ? tf.add(g, tf.mul(buf, this.momentum)) : buf;
        }
        p.assign(tf.sub(p, tf.mul(g, lr)));
      });
    });
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}

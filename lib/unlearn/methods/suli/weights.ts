import * as tf from '@tensorflow/tfjs';
import type { Module } from '../../../models/nn/module';

/** A copy of every parameter and buffer (batch-norm running statistics included), e.g. for rollback. */
export class WeightSnapshot {
  private readonly saved: Array<[tf.Variable, tf.Tensor]>;

  constructor(model: Module) {
    this.saved = [...model.namedParameters(), ...model.namedBuffers()].map(([, v]) => [v, tf.keep(v.clone())]);
  }

  /** Puts the saved values back into the model's variables. */
  restore(): void {
    for (const [v, t] of this.saved) v.assign(t);
  }

  /** The saved values, in namedParameters() order then namedBuffers() order. */
  tensors(): tf.Tensor[] {
    return this.saved.map(([, t]) => t);
  }

  dispose(): void {
    for (const [, t] of this.saved) t.dispose();
  }
}

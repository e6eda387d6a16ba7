import type * as tf from '@tensorflow/tfjs';

/** One optimisation step over a list of variables, PyTorch semantics (coupled L2 weight decay). */
export interface Optimizer {
  readonly kind: string;
  step(params: tf.Variable[], grads: tf.Tensor[], lr: number): void;
  dispose(): void;
}

export interface SgdSpec {
  kind: 'sgd';
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface AdamSpec {
  kind: 'adam';
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export type OptimizerSpec = SgdSpec | AdamSpec;

import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../engine/rng';
import { uniformFanIn } from './init';
import { Module } from './module';
import { normalise } from './normalise';

export type Padding = 'same' | 'valid' | number;

/** 2-D convolution, NHWC, weight [kh, kw, in, out]. A number padding is symmetric zero padding. */
export class Conv2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride = 1,
    readonly padding: Padding = 'same',
    withBias = true,
  ) {
    super();
    const fanIn = inChannels * kernel * kernel;
    this.weight = this.param('weight', uniformFanIn(rng, [kernel, kernel, inChannels, outChannels], fanIn));
    this.bias = withBias ? this.param('bias', uniformFanIn(rng, [outChannels], fanIn)) : null;
  }

  forward(x: tf.Tensor): tf.Tensor {
    // Padding 0 takes tf's 'valid' path (the same geometry; it is the one the gradient tests cover).
    const pad =
      typeof this.padding === 'number' && this.padding > 0
        ? ([
            [0, 0],
            [this.padding, this.padding],
            [this.padding, this.padding],
            [0, 0],
          ] as [[number, number], [number, number], [number, number], [number, number]])
        : this.padding === 0
          ? 'valid'
          : this.padding;
    const y = tf.conv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, pad);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(rng: Rng, readonly inFeatures: number, readonly outFeatures: number, withBias = true) {
    super();
    this.weight = this.param('weight', uniformFanIn(rng, [inFeatures, outFeatures], inFeatures));
    this.bias = withBias ? this.param('bias', uniformFanIn(rng, [outFeatures], inFeatures)) : null;
  }

  forward(x: tf.Tensor): tf.Tensor {
    const y = tf.matMul(x as tf.Tensor2D, this.weight as tf.Tensor2D);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

/**
 * Instance norm with a per-channel affine, i.e. PyTorch GroupNorm(C, C): each sample and channel is
 * normalised over its spatial positions. Same in training and evaluation (no running statistics).
 * Its gradient is written out (normalise): autodiff exhausted the wasm heap at batch 256 on 32x32 inputs.
 */
export class InstanceNorm extends Module {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(readonly channels: number, readonly eps = 1e-5) {
    super();
    this.gamma = this.param('weight', tf.ones([channels]));
    this.beta = this.param('bias', tf.zeros([channels]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return instanceNorm(x as tf.Tensor4D, this.gamma, this.beta, this.eps);
  }
}

/** y = gamma * (x - mean_hw) / sqrt(var_hw + eps) + beta per sample and channel (normalise, analytic gradient). */
export function instanceNorm(x: tf.Tensor4D, gamma: tf.Tensor1D | tf.Variable, beta: tf.Tensor1D | tf.Variable, eps = 1e-5): tf.Tensor4D {
  return normalise(x, gamma, beta, eps, [1, 2]) as tf.Tensor4D;
}

/**
 * Batch norm over N,H,W (or N for 2-D input) with PyTorch semantics: batch statistics in training,
 * running statistics (momentum 0.1, unbiased running variance) in evaluation. In training its gradient
 * is written out (normalise).
 */
export class BatchNorm extends Module {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(readonly channels: number, readonly eps = 1e-5, readonly momentum = 0.1) {
    super();
    this.gamma = this.param('weight', tf.ones([channels]));
    this.beta = this.param('bias', tf.zeros([channels]));
    this.runningMean = this.buffer('running_mean', tf.zeros([channels]));
    this.runningVar = this.buffer('running_var', tf.ones([channels]));
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    const axes = x.rank === 4 ? [0, 1, 2] : [0];
    if (!training) {
      return tf.tidy(() =>
        tf.add(tf.mul(tf.mul(tf.sub(x, this.runningMean), tf.rsqrt(tf.add(this.runningVar, this.eps))), this.gamma), this.beta),
      );
    }
    const count = x.size / this.channels;
    // Running statistics are state: nothing differentiated depends on them.
    const updateRunning = (mean: tf.Tensor, variance: tf.Tensor) =>
      tf.tidy(() => {
        const v = tf.mul(tf.reshape(variance, [this.channels]), count / Math.max(1, count - 1));
        this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - this.momentum), tf.mul(tf.reshape(mean, [this.channels]), this.momentum)));
        this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - this.momentum), tf.mul(v, this.momentum)));
      });
    return normalise(x, this.gamma, this.beta, this.eps, axes, updateRunning);
  }
}

export class ReLU extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}

/**
 * Max or average pooling. A number padding is PyTorch's symmetric padding (max pooling ignores the
 * padded cells, as PyTorch's -inf padding does); tf's 'same' pads asymmetrically at stride 2.
 */
export class Pool2d extends Module {
  constructor(
    readonly kind: 'avg' | 'max',
    readonly size = 2,
    readonly stride = size,
    readonly padding: 'same' | 'valid' | number = 'valid',
  ) {
    super();
    if (kind === 'avg' && typeof padding === 'number' && padding > 0) {
      // tf averages over the valid cells only, PyTorch (count_include_pad) over the padded window.
      throw new Error('Pool2d: numeric padding is supported for max pooling only; pad the input explicitly for average pooling.');
    }
  }

  forward(x: tf.Tensor): tf.Tensor {
    const f = this.kind === 'avg' ? tf.avgPool : tf.maxPool;
    return f(x as tf.Tensor4D, this.size, this.stride, this.padding);
  }
}

/** Mean over spatial positions: [n,h,w,c] -> [n,c]. */
export class GlobalAvgPool extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.mean(x, [1, 2]);
  }
}

/** [n, ...] -> [n, prod(...)] in PyTorch's NCHW flatten order, so feature indices match the reference. */
export class Flatten extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    const nchw = x.rank === 4 ? tf.transpose(x, [0, 3, 1, 2]) : x;
    return tf.reshape(nchw, [x.shape[0], -1]);
  }
}

/**
 * Inverted dropout (PyTorch nn.Dropout): in training, zeroes each element with probability `rate`
 * and scales the rest by 1/(1-rate); identity in evaluation. Masks come from a seeded stream, so a
 * seeded run is repeatable.
 */
export class Dropout extends Module {
  constructor(
    private readonly rng: Rng,
    readonly rate = 0.5,
  ) {
    super();
    if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout rate must be in [0, 1), got ${rate}.`);
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    if (!training || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, this.rng.uint32());
  }
}

export class Identity extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

export type NormKind = 'instance' | 'batch' | 'none';

export function makeNorm(kind: NormKind, channels: number): Module {
  if (kind === 'instance') return new InstanceNorm(channels);
  if (kind === 'batch') return new BatchNorm(channels);
  return new Identity();
}

import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../engine/rng';
import { uniformFanIn } from './init';
import { Module } from './module';

/**
 * PyTorch's ConvTranspose2d on NHWC input: the adjoint of a Conv2d with the same kernel, stride and padding,
 * so an [n, h, w, in] input gives [n, (h - 1) * stride - 2 * padding + kernel, ..., out] (4x4, stride 2,
 * padding 1 doubles the size and undoes a 4x4 / 2 / 1 convolution exactly). Weight [kh, kw, out, in], the
 * layout tf.conv2dTranspose takes. PyTorch initialises it from fan_in = out * kh * kw (its weight is
 * [in, out, kh, kw] and fan_in is read from dimension 1), weights and bias uniform in +-1/sqrt(fan_in).
 */
export class ConvTranspose2d extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    rng: Rng,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride = 1,
    readonly padding = 0,
    withBias = true,
  ) {
    super();
    for (const [name, v, min] of [['inChannels', inChannels, 1], ['outChannels', outChannels, 1], ['kernel', kernel, 1], ['stride', stride, 1], ['padding', padding, 0]] as const) {
      if (!Number.isInteger(v) || v < min) throw new Error(`ConvTranspose2d: ${name} must be an integer >= ${min}, got ${v}.`);
    }
    if (padding >= kernel) throw new Error(`ConvTranspose2d: padding ${padding} must be smaller than the kernel ${kernel}.`);
    const fanIn = outChannels * kernel * kernel;
    this.weight = this.param('weight', uniformFanIn(rng, [kernel, kernel, outChannels, inChannels], fanIn));
    this.bias = withBias ? this.param('bias', uniformFanIn(rng, [outChannels], fanIn)) : null;
  }

  /** Output height or width for an input of `size` (PyTorch's formula, no output_padding). */
  outSize(size: number): number {
    return (size - 1) * this.stride - 2 * this.padding + this.kernel;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) {
      throw new Error(`ConvTranspose2d expects NHWC input [n, h, w, ${this.inChannels}], got [${x.shape.join(', ')}].`);
    }
    const [n, h, w] = x.shape as [number, number, number, number];
    const out: [number, number, number, number] = [n, this.outSize(h), this.outSize(w), this.outChannels];
    const y = tf.conv2dTranspose(x as tf.Tensor4D, this.weight as tf.Tensor4D, out, this.stride, this.padding === 0 ? 'valid' : this.padding);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}

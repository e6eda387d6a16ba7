import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../engine/rng';
import { truncNormal } from './init';
import { Conv2d, Linear } from './layers';
import { Module } from './module';
import { normalise } from './normalise';

/**
 * The pre-norm transformer encoder of timm's VisionTransformer (vit_tiny_patch16_224 and kin), with timm's
 * module and parameter names (patch_embed.proj, norm1, attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2), so a
 * state_dict maps one to one. Tokens are [n, tokens, dim]. No dropout, drop-path or layer scale: all are off
 * in vit_tiny_patch16_224.
 */

/** A Linear with timm's ViT initialisation: weight trunc-normal(std 0.02), bias zero (init_weights_vit_timm). */
export function timmLinear(rng: Rng, inFeatures: number, outFeatures: number): Linear {
  const layer = new Linear(rng, inFeatures, outFeatures);
  tf.tidy(() => {
    layer.weight.assign(truncNormal(rng.fork('trunc_normal'), [inFeatures, outFeatures], 0.02));
    layer.bias?.assign(tf.zerosLike(layer.bias));
  });
  return layer;
}

/**
 * x W + b on every token: [n, t, in] -> [n, t, out], computed as a 1x1 convolution over [n*t, 1, 1, in]. Why: on
 * wasm, matMul's backward runs transposed BatchMatMuls, 3-4x slower (CPU time, [2080, 192] -> 576 and
 * [2080, 768] -> 192) than XNNPACK's convolution with the project's conv gradients.
 */
function tokenProduct(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null): tf.Tensor3D {
  const [n, t, d] = x.shape;
  const [, out] = weight.shape as [number, number];
  const y = tf.conv2d(tf.reshape(x, [n * t, 1, 1, d]) as tf.Tensor4D, tf.reshape(weight, [1, 1, d, out]) as tf.Tensor4D, 1, 'valid');
  return tf.reshape(bias ? tf.add(y, bias) : y, [n, t, out]);
}

/** Applies a Linear to every token: [n, t, in] -> [n, t, out]. */
export function tokenwise(layer: Linear, x: tf.Tensor): tf.Tensor3D {
  return tokenProduct(x, layer.weight, layer.bias);
}

/** The exact GELU of PyTorch's nn.GELU(): x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

export class GELU extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return gelu(x);
  }
}

/**
 * LayerNorm over the last axis with an affine (weight ones, bias zeros); eps 1e-6 as timm's ViT. The gradient is
 * written out (normalise): autodiff through tf.moments ran about twenty small kernels per norm in the backward
 * pass, 25 norms per ViT-tiny step.
 */
export class LayerNorm extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(readonly dim: number, readonly eps = 1e-6) {
    super();
    this.weight = this.param('weight', tf.ones([dim]));
    this.bias = this.param('bias', tf.zeros([dim]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}

/** y = weight * (x - mean) / sqrt(var + eps) + bias over the last axis (biased variance; normalise, analytic gradient). */
export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps = 1e-6): tf.Tensor {
  return normalise(x, weight, bias, eps, [x.rank - 1]);
}

/**
 * Multi-head self-attention (timm's Attention, qkv_bias on): qkv = one Linear(dim, 3 dim) whose output is
 * laid out (q|k|v, head, head_dim) as timm's reshape(B, N, 3, H, hd); softmax(q k^T / sqrt(hd)) v per head,
 * heads concatenated, then proj.
 */
export class MultiHeadSelfAttention extends Module {
  readonly qkv: Linear;
  readonly proj: Linear;
  readonly headDim: number;

  constructor(rng: Rng, readonly dim: number, readonly heads: number) {
    super();
    if (!Number.isInteger(dim / heads)) {
      throw new Error(`MultiHeadSelfAttention: dim ${dim} is not divisible by heads ${heads}; choose heads that divide the embedding width.`);
    }
    this.headDim = dim / heads;
    this.qkv = this.child('qkv', timmLinear(rng.fork('qkv'), dim, 3 * dim));
    this.proj = this.child('proj', timmLinear(rng.fork('proj'), dim, dim));
  }

  forward(x: tf.Tensor): tf.Tensor {
    const [n, t] = x.shape;
    const { dim: d, heads: h, headDim: hd } = this;
    // q, k, v from the thirds of qkv's weight and bias, each [n, t, d] -> [n*h, t, hd]. Slicing the small weight
    // instead of the [n, t, 3d] output: the wasm backend's slices and splits of activations are slow.
    const [q, k, v] = [0, 1, 2].map((i) => {
      const y = tokenProduct(x, tf.slice(this.qkv.weight, [0, i * d], [d, d]), this.qkv.bias && tf.slice(this.qkv.bias, [i * d], [d]));
      return tf.reshape(tf.transpose(tf.reshape(y, [n, t, h, hd]), [0, 2, 1, 3]), [n * h, t, hd]) as tf.Tensor3D;
    });
    const scores = tf.matMul(tf.mul(q, 1 / Math.sqrt(hd)) as tf.Tensor3D, k, false, true);
    const mixed = tf.matMul(tf.softmax(scores), v);
    const merged = tf.reshape(tf.transpose(tf.reshape(mixed, [n, h, t, hd]), [0, 2, 1, 3]), [n, t, d]);
    return tokenwise(this.proj, merged);
  }
}

/** timm's Mlp: fc1 -> GELU -> fc2, applied to every token. */
export class TransformerMlp extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(rng: Rng, dim: number, hidden: number) {
    super();
    this.fc1 = this.child('fc1', timmLinear(rng.fork('fc1'), dim, hidden));
    this.fc2 = this.child('fc2', timmLinear(rng.fork('fc2'), hidden, dim));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tokenwise(this.fc2, gelu(tokenwise(this.fc1, x)));
  }
}

/** timm's Block (pre-norm): x + attn(norm1(x)), then + mlp(norm2(.)). */
export class EncoderBlock extends Module {
  readonly norm1: LayerNorm;
  readonly attn: MultiHeadSelfAttention;
  readonly norm2: LayerNorm;
  readonly mlp: TransformerMlp;

  constructor(rng: Rng, dim: number, heads: number, mlpHidden: number, eps = 1e-6) {
    super();
    this.norm1 = this.child('norm1', new LayerNorm(dim, eps));
    this.attn = this.child('attn', new MultiHeadSelfAttention(rng.fork('attn'), dim, heads));
    this.norm2 = this.child('norm2', new LayerNorm(dim, eps));
    this.mlp = this.child('mlp', new TransformerMlp(rng.fork('mlp'), dim, mlpHidden));
  }

  forward(x: tf.Tensor): tf.Tensor {
    const y = tf.add(x, this.attn.forward(this.norm1.forward(x)));
    return tf.add(y, this.mlp.forward(this.norm2.forward(y)));
  }
}

/**
 * timm's PatchEmbed: a conv with kernel = stride = patch (PyTorch's default init, as timm leaves it), then the
 * grid flattened row by row into tokens: [n, h, w, c] -> [n, (h/p)(w/p), dim].
 */
export class PatchEmbed extends Module {
  readonly proj: Conv2d;

  constructor(rng: Rng, inChannels: number, readonly dim: number, readonly patch: number) {
    super();
    this.proj = this.child('proj', new Conv2d(rng.fork('proj'), inChannels, dim, patch, patch, 0, true));
  }

  forward(x: tf.Tensor): tf.Tensor {
    const y = this.proj.forward(x);
    const [n, gh, gw] = y.shape;
    return tf.reshape(y, [n, gh * gw, this.dim]);
  }
}

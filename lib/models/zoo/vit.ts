import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { truncNormal } from '../nn/init';
import { Module, Sequential } from '../nn/module';
import { EncoderBlock, LayerNorm, PatchEmbed, timmLinear } from '../nn/transformer';
import { ModelOptions } from './options';
import type { ZooModel } from './types';

export interface VitOptions {
  /** Side of the square patches (4 in the reference for 32x32); must divide the image's height and width. */
  patch?: number;
  /** Token width (192 = ViT-tiny). */
  embedDim?: number;
  /** Encoder blocks (12). */
  depth?: number;
  /** Attention heads (3); must divide embedDim. */
  heads?: number;
  /** MLP hidden width = floor(embedDim x mlpRatio) (4, as timm's int(dim * mlp_ratio)). */
  mlpRatio?: number;
  /**
   * true (default): the position embedding starts at zero, as the reference's ViT on CIFAR-10 (it replaced
   * timm's 224x224 pos-embed by a zero one); false: timm's trunc-normal(std 0.02). Trainable either way.
   */
  zeroPosEmbed?: boolean;
}

/** The patch embedding, the cls token and the position embedding: the first stage of a three-part split. */
class VitStem extends Module {
  constructor(
    private readonly patchEmbed: PatchEmbed,
    private readonly clsToken: tf.Variable,
    private readonly posEmbed: tf.Variable,
  ) {
    super();
    // The features module's own variables, registered here too so this stage names them as the model does.
    this.ownParams.set('cls_token', clsToken);
    this.ownParams.set('pos_embed', posEmbed);
    this.child('patch_embed', patchEmbed);
  }

  forward(x: tf.Tensor): tf.Tensor {
    const patches = this.patchEmbed.forward(x);
    const cls = tf.tile(this.clsToken, [x.shape[0], 1, 1]);
    return tf.add(tf.concat([cls, patches], 1), this.posEmbed);
  }
}

/** The cls token's output, [n, tokens, dim] -> [n, dim] (timm's global_pool 'token'). */
class ClsTokenPool extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    const [n, , d] = x.shape;
    return tf.reshape(tf.slice(x, [0, 0, 0], [n, 1, d]), [n, d]);
  }
}

/** Patch embedding, cls token, position embedding, encoder blocks, final norm, cls-token pooling; timm's names. */
class VitFeatures extends Module {
  private readonly stem: VitStem;
  private readonly blocks: EncoderBlock[];
  private readonly norm: LayerNorm;
  private readonly pool = new ClsTokenPool();

  constructor(rng: Rng, inputShape: ImageShape, patch: number, dim: number, depth: number, heads: number, mlpHidden: number, zeroPosEmbed: boolean) {
    super();
    const tokens = (inputShape[0] / patch) * (inputShape[1] / patch) + 1;
    // timm: cls_token ~ normal(std 1e-6); pos_embed ~ trunc_normal(std 0.02), zeroed by the reference.
    const cls = this.param('cls_token', tf.tensor(rng.fork('cls_token').normalArray(dim, 0, 1e-6), [1, 1, dim]));
    const pos = this.param('pos_embed', zeroPosEmbed ? tf.zeros([1, tokens, dim]) : truncNormal(rng.fork('pos_embed'), [1, tokens, dim], 0.02));
    const patchEmbed = this.child('patch_embed', new PatchEmbed(rng.fork('patch_embed'), inputShape[2], dim, patch));
    // Not a child: its variables keep timm's names (features.cls_token, not features.stem.cls_token).
    this.stem = new VitStem(patchEmbed, cls, pos);
    this.blocks = Array.from({ length: depth }, (_, i) => new EncoderBlock(rng.fork(`blocks.${i}`), dim, heads, mlpHidden));
    this.child('blocks', new Sequential(this.blocks));
    this.norm = this.child('norm', new LayerNorm(dim));
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    let y = x;
    for (const [, stage] of this.stages()) y = stage.forward(y, training);
    return y;
  }

  /** stem (its variables sit directly on this module, hence ''), blocks.0 .. blocks.(depth-1), norm, pool. */
  override stages(): Array<[string, Module]> {
    return [['', this.stem], ...this.blocks.map((b, i): [string, Module] => [`blocks.${i}`, b]), ['norm', this.norm], ['pool', this.pool]];
  }
}

/** Every d dividing both a and b, for the error message. */
function commonDivisors(a: number, b: number): number[] {
  return Array.from({ length: Math.min(a, b) }, (_, i) => i + 1).filter((d) => a % d === 0 && b % d === 0);
}

/**
 * ViT-tiny: timm's vit_tiny_patch16_224 (pre-norm encoder, embed 192, depth 12, 3 heads, MLP ratio 4, GELU,
 * LayerNorm eps 1e-6, cls token, learned position embedding, final norm, head on the cls token) with the
 * patch embedding of the reference's CIFAR-10 study: 4x4 patches, so 32x32 gives 8x8 = 64 patches and 28x28
 * (Fashion-MNIST) 7x7 = 49. Parameters on 32x32x3, 10 classes (65 tokens):
 * cls_token 192; pos_embed 65*192 = 12,480; patch_embed 4*4*3*192 + 192 = 9,408;
 * per block: norm1 384 + qkv 192*576+576 = 111,168 + proj 192*192+192 = 37,056 + norm2 384
 * + fc1 192*768+768 = 148,224 + fc2 768*192+192 = 147,648 = 444,864, x12 = 5,338,368; norm 384; head 192*10+10 = 1,930.
 * Total 5,362,762 (timm's 224x224, 1000-class model has 5,717,416: it differs by pos_embed (197 tokens, +25,344),
 * the 16x16 patch embedding (+138,240) and the 1000-way head (+191,070)).
 * On 28x28x1 (50 tokens): pos_embed 9,600, patch_embed 16*192+192 = 3,264; total 5,353,738.
 */
export function vitTiny(rng: Rng, inputShape: ImageShape, numClasses: number, options: VitOptions = {}): ZooModel {
  const o = new ModelOptions('vit-tiny', options as Record<string, unknown>);
  const patch = o.int('patch', 4);
  const dim = o.int('embedDim', 192);
  const depth = o.int('depth', 12);
  const heads = o.int('heads', 3);
  const mlpRatio = o.number('mlpRatio', 4, Number.MIN_VALUE, Infinity);
  const zeroPosEmbed = o.bool('zeroPosEmbed', true);
  o.done();
  const [h, w] = inputShape;
  if (h % patch !== 0 || w % patch !== 0) {
    throw new Error(
      `vit-tiny: a ${h}x${w} image does not divide into ${patch}x${patch} patches. Pass option patch as a size that divides ` +
        `both sides (${commonDivisors(h, w).join(', ')}), or resize the images.`,
    );
  }
  if (dim % heads !== 0) {
    throw new Error(`vit-tiny: option embedDim ${dim} is not divisible by option heads ${heads}; choose heads that divide embedDim (e.g. embedDim 192 with 3 heads).`);
  }
  const mlpHidden = Math.floor(dim * mlpRatio);
  if (mlpHidden < 1) throw new Error(`vit-tiny: option mlpRatio ${mlpRatio} gives an MLP of width 0 at embedDim ${dim}; use mlpRatio >= ${1 / dim}.`);
  const features = new VitFeatures(rng, inputShape, patch, dim, depth, heads, mlpHidden, zeroPosEmbed);
  return { features, head: timmLinear(rng.fork('head'), dim, numClasses), embedDim: dim };
}

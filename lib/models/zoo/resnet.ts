import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { Conv2d, GlobalAvgPool, Linear, Pool2d, makeNorm, type NormKind } from '../nn/layers';
import { Module, Sequential } from '../nn/module';
import { BasicBlock, Bottleneck } from '../nn/resnet-blocks';
import { ModelOptions, checkSpatial, outSize } from './options';
import type { ZooModel } from './types';

export interface ResNetOptions {
  /**
   * 'instance': GroupNorm(C, C) with affine, as the Blend/A-AMU reference (DatasetCondensation ResNets);
   * 'batch' (default): BatchNorm, as torchvision/timm and the SULI reference.
   */
  norm?: 'instance' | 'batch';
  /**
   * 'cifar' (default): 3x3 stride-1 conv, no max-pool (DC_Unlearning and SULI). 'imagenet': 7x7 stride-2 conv
   * (pad 3) + 3x3 stride-2 max-pool (pad 1), torchvision's stem, used by the 2024 paper's ResNet-18.
   */
  stem?: 'cifar' | 'imagenet';
  /** Channels of the first stage (64 in the reference); stages use width x [1, 2, 4, 8]. */
  width?: number;
}

type Block = typeof BasicBlock | typeof Bottleneck;

/** conv1 -> bn1 -> ReLU, then the 3x3/2 max-pool with the ImageNet stem; one stage of a three-part split. */
class Stem extends Module {
  constructor(
    private readonly conv1: Module,
    private readonly bn1: Module,
    private readonly maxPool: Module | null,
  ) {
    super();
    this.child('conv1', conv1);
    this.child('bn1', bn1);
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    const y = tf.relu(this.bn1.forward(this.conv1.forward(x, training), training));
    return this.maxPool ? this.maxPool.forward(y, training) : y;
  }
}

/** Stem, four stages and global average pooling; children named as PyTorch's (conv1, bn1, layer1..4). */
class ResNetFeatures extends Module {
  private readonly stem: Stem;
  private readonly layers: Sequential[];
  private readonly pool = new GlobalAvgPool();

  constructor(rng: Rng, inputShape: ImageShape, block: Block, blocks: number[], norm: NormKind, stem: 'cifar' | 'imagenet', width: number) {
    super();
    const imagenet = stem === 'imagenet';
    const conv1 = this.child('conv1', new Conv2d(rng.fork('conv1'), inputShape[2], width, imagenet ? 7 : 3, imagenet ? 2 : 1, imagenet ? 3 : 1, false));
    const bn1 = this.child('bn1', makeNorm(norm, width));
    // Not a child: conv1 and bn1 keep their PyTorch names (features.conv1, not features.stem.conv1).
    this.stem = new Stem(conv1, bn1, imagenet ? new Pool2d('max', 3, 2, 1) : null);
    let [h, w] = inputShape;
    if (imagenet) {
      h = outSize(outSize(h, 7, 2, 3), 3, 2, 1);
      w = outSize(outSize(w, 7, 2, 3), 3, 2, 1);
    }
    let inCh = width;
    this.layers = blocks.map((count, s) => {
      const planes = width * 2 ** s;
      const layer: Module[] = [];
      for (let b = 0; b < count; b++) {
        const stride = s > 0 && b === 0 ? 2 : 1;
        layer.push(new block(rng.fork(`layer${s + 1}.${b}`), inCh, planes, stride, norm));
        inCh = planes * block.expansion;
        if (stride === 2) {
          h = outSize(h, 3, 2, 1);
          w = outSize(w, 3, 2, 1);
        }
      }
      return this.child(`layer${s + 1}`, new Sequential(layer));
    });
    checkSpatial('resnet', h, w, 'the last stage');
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    let y = x;
    for (const [, stage] of this.stages()) y = stage.forward(y, training);
    return y;
  }

  /** The stem (its parameters sit directly on this module, hence ''), layer1..4, avgpool. */
  override stages(): Array<[string, Module]> {
    return [['', this.stem], ...this.layers.map((l, i): [string, Module] => [`layer${i + 1}`, l]), ['avgpool', this.pool]];
  }
}

function resnet(arch: string, block: Block, blocks: number[]) {
  return (rng: Rng, inputShape: ImageShape, numClasses: number, options: ResNetOptions = {}): ZooModel => {
    const o = new ModelOptions(arch, options as Record<string, unknown>);
    const norm = o.choice('norm', 'batch', ['instance', 'batch'] as const);
    const stem = o.choice('stem', 'cifar', ['cifar', 'imagenet'] as const);
    const width = o.int('width', 64);
    o.done();
    const features = new ResNetFeatures(rng, inputShape, block, blocks, norm, stem, width);
    // Global average pooling = the reference's avg_pool2d(4) on the 4x4 map of a 32x32 input.
    const embedDim = width * 8 * block.expansion;
    return { features, head: new Linear(rng.fork('fc'), embedDim, numClasses), embedDim };
  };
}

/**
 * ResNet-18 (He et al.), BasicBlocks [2, 2, 2, 2]. CIFAR stem, 32x32x3, 10 classes: stem conv 1,728 + norm 128;
 * layer1 2 x (36,864 x 2 + 256) = 147,968; layer2 73,728 + 147,456 + 512 + shortcut (8,192 + 256) + block 2
 * (294,912 + 512) = 525,568; layer3 2,099,712; layer4 8,393,728; fc 5,130. Total 11,173,962 (with either norm:
 * GroupNorm(C, C) and BatchNorm both have 2C parameters; BatchNorm adds 2C running-statistic buffers).
 */
export const resnet18 = resnet('resnet18', BasicBlock, [2, 2, 2, 2]);

/**
 * ResNet-50, Bottlenecks [3, 4, 6, 3], embedding 2048. CIFAR stem, 32x32x3, 10 classes: 23,520,842 parameters
 * (torchvision's ImageNet ResNet-50 has 25,557,032: it differs by the 7x7 stem (+7,680) and the 1000-way fc
 * (+2,028,510)).
 */
export const resnet50 = resnet('resnet50', Bottleneck, [3, 4, 6, 3]);

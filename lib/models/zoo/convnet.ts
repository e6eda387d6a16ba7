import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { Conv2d, Flatten, Linear, Pool2d, ReLU, makeNorm, type NormKind } from '../nn/layers';
import { Sequential, type Module } from '../nn/module';
import { ModelOptions, checkSpatial } from './options';
import type { ZooModel } from './types';

export interface ConvNetOptions {
  /** Channels of every conv (reference: 128). */
  width?: number;
  /** Number of conv blocks (reference: 3). */
  depth?: number;
  /** Reference: 'instance' (GroupNorm(C, C)). */
  norm?: NormKind;
  /** Reference: 'avg'. */
  pooling?: 'avg' | 'max' | 'none';
}

/**
 * The dataset-condensation ConvNet (Zhao et al.; the Blend/A-AMU reference 'cnn'): depth x
 * [conv3x3 pad 1 -> norm -> ReLU -> 2x2 pool], flatten, linear. On 32x32x3 with the defaults the
 * embedding is 128 x 4 x 4 = 2048-d. Also the random feature extractor of k-means and Blend.
 * Parameters (32x32x3, 10 classes, defaults): conv 3->128 3,584 + GN 256; 2 x (conv 128->128
 * 147,584 + GN 256); linear 2048->10 20,490; total 320,010 (batch norm: same; none: 319,242).
 */
export function convnet(rng: Rng, inputShape: ImageShape, numClasses: number, options: ConvNetOptions = {}): ZooModel {
  const o = new ModelOptions('convnet', options as Record<string, unknown>);
  const width = o.int('width', 128);
  const depth = o.int('depth', 3);
  const norm = o.choice<NormKind>('norm', 'instance', ['instance', 'batch', 'none']);
  const pooling = o.choice('pooling', 'avg', ['avg', 'max', 'none'] as const);
  o.done();
  const layers: Module[] = [];
  let [h, w, c] = inputShape;
  for (let i = 0; i < depth; i++) {
    layers.push(new Conv2d(rng.fork(`conv${i}`), c, width, 3, 1, 1), makeNorm(norm, width), new ReLU());
    c = width;
    if (pooling !== 'none') {
      layers.push(new Pool2d(pooling, 2, 2));
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
      checkSpatial('convnet', h, w, `pooling block ${i + 1}`);
    }
  }
  layers.push(new Flatten());
  const embedDim = h * w * c;
  const head = new Linear(rng.fork('classifier'), embedDim, numClasses);
  return { features: new Sequential(layers), head, embedDim };
}

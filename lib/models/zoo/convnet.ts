import type { Rng } from '../../engine/rng';
import { Classifier, type ImageShape } from '../classifier';
import { Conv2d, Flatten, Linear, Pool2d, ReLU, makeNorm, type NormKind } from '../nn/layers';
import { Sequential, type Module } from '../nn/module';

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
 */
export function convnet(rng: Rng, inputShape: ImageShape, numClasses: number, opts: ConvNetOptions = {}) {
  const width = opts.width ?? 128;
  const depth = opts.depth ?? 3;
  const norm = opts.norm ?? 'instance';
  const pooling = opts.pooling ?? 'avg';
  const layers: Module[] = [];
  let [h, w, c] = inputShape;
  for (let i = 0; i < depth; i++) {
    layers.push(new Conv2d(rng.fork(`conv${i}`), c, width, 3, 1, 1), makeNorm(norm, width), new ReLU());
    c = width;
    if (pooling !== 'none') {
      layers.push(new Pool2d(pooling, 2, 2));
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  }
  layers.push(new Flatten());
  const embedDim = h * w * c;
  const head = new Linear(rng.fork('classifier'), embedDim, numClasses);
  return { features: new Sequential(layers), head, embedDim } satisfies Partial<Classifier>;
}

import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { Conv2d, Flatten, Linear, Pool2d, ReLU } from '../nn/layers';
import { Sequential } from '../nn/module';
import { ModelOptions, checkSpatial, outSize } from './options';
import type { ZooModel } from './types';

export interface LeNetOptions {
  /** Subsampling after each conv (default 'max', the common PyTorch LeNet; LeCun's used averaging). */
  pooling?: 'max' | 'avg';
  /** Zero padding of the first 5x5 conv (default 0; 2 gives the classic 28x28 MNIST LeNet-5). */
  firstPadding?: number;
}

/**
 * LeNet-5 (LeCun et al. 1998) as usually written in PyTorch: conv5x5 6 -> ReLU -> pool 2 ->
 * conv5x5 16 -> ReLU -> pool 2 -> flatten -> fc 120 -> ReLU -> fc 84 -> ReLU | linear head.
 * embed() = the 84-d features. Parameters on 32x32x3, 10 classes: conv1 456, conv2 2,416,
 * fc1 16*5*5*120+120 = 48,120, fc2 10,164, head 850; total 62,006. On 28x28x1: 44,426.
 */
export function lenet(rng: Rng, inputShape: ImageShape, numClasses: number, options: LeNetOptions = {}): ZooModel {
  const o = new ModelOptions('lenet', options as Record<string, unknown>);
  const pooling = o.choice('pooling', 'max', ['max', 'avg'] as const);
  const firstPadding = o.int('firstPadding', 0, 0);
  o.done();
  let [h, w] = inputShape;
  h = Math.floor(outSize(h, 5, 1, firstPadding) / 2);
  w = Math.floor(outSize(w, 5, 1, firstPadding) / 2);
  h = Math.floor(outSize(h, 5, 1, 0) / 2);
  w = Math.floor(outSize(w, 5, 1, 0) / 2);
  checkSpatial('lenet', h, w, 'the second conv and pooling');
  const flat = 16 * h * w;
  const features = new Sequential([
    new Conv2d(rng.fork('conv1'), inputShape[2], 6, 5, 1, firstPadding),
    new ReLU(),
    new Pool2d(pooling, 2, 2),
    new Conv2d(rng.fork('conv2'), 6, 16, 5, 1, 0),
    new ReLU(),
    new Pool2d(pooling, 2, 2),
    new Flatten(),
    new Linear(rng.fork('fc1'), flat, 120),
    new ReLU(),
    new Linear(rng.fork('fc2'), 120, 84),
    new ReLU(),
  ]);
  return { features, head: new Linear(rng.fork('classifier'), 84, numClasses), embedDim: 84 };
}

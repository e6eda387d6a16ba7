import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { Conv2d, Dropout, GlobalAvgPool, Linear, ReLU, makeNorm } from '../nn/layers';
import { Sequential, type Module } from '../nn/module';
import { ModelOptions, checkSpatial, outSize } from './options';
import type { ZooModel } from './types';

export interface AllCnnOptions {
  /** Scales the 96/192 widths (the reference's filters_percentage; default 1). */
  widthFactor?: number;
  /** 'batch' (default: conv without bias -> BatchNorm -> ReLU) or 'none' (conv with bias -> ReLU). */
  norm?: 'batch' | 'none';
  /** Dropout (p 0.5) after each stride-2 block (reference default: off). */
  dropout?: boolean;
}

/**
 * All-CNN-C (Springenberg et al. 2015) in the form the SULI reference carries (Golatkar/SCRUB
 * AllCNN; docs/reference/suli.md#s2): conv3x3 blocks 96, 96, 192 (stride 2, pad 1), 192, 192, 192 (stride 2, pad 1),
 * 192, then a 1x1 conv block 192, average pooling, linear. Unlike the paper's All-CNN-C it classifies
 * with a linear layer instead of a 1x1 conv to the classes. The reference pools with AvgPool2d(8), i.e.
 * global pooling of the 8x8 map of a 32x32 input; we pool globally, which also accepts other sizes.
 * embed() = the pooled 192-d features. Parameters (32x32x3, 10 classes, BN): convs without bias
 * 2,592 + 82,944 + 165,888 + 4 x 331,776 + 36,864, BN 2 x (96 + 96 + 6 x 192) = 2,688, linear 1,930;
 * total 1,620,010.
 */
export function allcnn(rng: Rng, inputShape: ImageShape, numClasses: number, options: AllCnnOptions = {}): ZooModel {
  const o = new ModelOptions('allcnn', options as Record<string, unknown>);
  const factor = o.number('widthFactor', 1, Number.MIN_VALUE, Infinity);
  const norm = o.choice('norm', 'batch', ['batch', 'none'] as const);
  const dropout = o.bool('dropout', false);
  o.done();
  const n1 = Math.max(1, Math.floor(96 * factor));
  const n2 = Math.max(1, Math.floor(192 * factor));
  const plan: Array<[number, number, number] | 'dropout'> = [
    [n1, 3, 1],
    [n1, 3, 1],
    [n2, 3, 2],
    'dropout',
    [n2, 3, 1],
    [n2, 3, 1],
    [n2, 3, 2],
    'dropout',
    [n2, 3, 1],
    [n2, 1, 1],
  ];
  const layers: Module[] = [];
  let [h, w, c] = inputShape;
  plan.forEach((step, i) => {
    if (step === 'dropout') {
      if (dropout) layers.push(new Dropout(rng.fork(`dropout${i}`), 0.5));
      return;
    }
    const [out, k, stride] = step;
    const pad = (k - 1) / 2;
    layers.push(new Conv2d(rng.fork(`conv${i}`), c, out, k, stride, pad, norm === 'none'));
    if (norm === 'batch') layers.push(makeNorm('batch', out));
    layers.push(new ReLU());
    c = out;
    h = outSize(h, k, stride, pad);
    w = outSize(w, k, stride, pad);
  });
  checkSpatial('allcnn', h, w, 'the last conv');
  layers.push(new GlobalAvgPool());
  return { features: new Sequential(layers), head: new Linear(rng.fork('classifier'), c, numClasses), embedDim: c };
}

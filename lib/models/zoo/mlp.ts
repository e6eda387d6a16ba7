import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { Flatten, Linear, ReLU } from '../nn/layers';
import { Sequential, type Module } from '../nn/module';
import { ModelOptions } from './options';
import type { ZooModel } from './types';

export interface MlpOptions {
  /** Hidden layer widths (DC_Unlearning's MLP: [128, 128]; DC_U's MLP: [512, 128]). */
  hidden?: number[];
}

/**
 * Fully connected net: flatten -> (linear -> ReLU)* -> linear. Parameters on 32x32x3, 10 classes:
 * [128, 128]: 3072*128+128 + 128*128+128 + 128*10+10 = 411,146; [512, 128]: 1,573,376 + 65,664 + 1,290 = 1,640,330.
 */
export function mlp(rng: Rng, inputShape: ImageShape, numClasses: number, options: MlpOptions = {}): ZooModel {
  const o = new ModelOptions('mlp', options as Record<string, unknown>);
  const hidden = o.intList('hidden', [128, 128]);
  o.done();
  const layers: Module[] = [new Flatten()];
  let d = inputShape[0] * inputShape[1] * inputShape[2];
  hidden.forEach((width, i) => {
    layers.push(new Linear(rng.fork(`fc${i}`), d, width), new ReLU());
    d = width;
  });
  return { features: new Sequential(layers), head: new Linear(rng.fork('classifier'), d, numClasses), embedDim: d };
}

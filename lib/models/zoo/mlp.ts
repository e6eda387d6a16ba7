import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../classifier';
import { Flatten, Linear, ReLU } from '../nn/layers';
import { Sequential, type Module } from '../nn/module';

export interface MlpOptions {
  /** Hidden layer widths (reference R1 MLP: [128, 128]). */
  hidden?: number[];
}

/** Fully connected net: flatten -> (linear -> ReLU)* -> linear. */
export function mlp(rng: Rng, inputShape: ImageShape, numClasses: number, opts: MlpOptions = {}) {
  const hidden = opts.hidden ?? [128, 128];
  const layers: Module[] = [new Flatten()];
  let d = inputShape[0] * inputShape[1] * inputShape[2];
  hidden.forEach((width, i) => {
    layers.push(new Linear(rng.fork(`fc${i}`), d, width), new ReLU());
    d = width;
  });
  return { features: new Sequential(layers), head: new Linear(rng.fork('classifier'), d, numClasses), embedDim: d };
}

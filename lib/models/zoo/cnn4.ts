import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { Conv2d, Dropout, Flatten, Linear, Pool2d, ReLU, makeNorm } from '../nn/layers';
import { Sequential, type Module } from '../nn/module';
import { ModelOptions, checkSpatial } from './options';
import type { ZooModel } from './types';

export interface Cnn4Options {
  /** Channels of the four conv blocks (reference [32, 64, 128, 256]). */
  widths?: number[];
  /** Width of the hidden fully connected layer (reference 1024). */
  hidden?: number;
  /** Dropout after the hidden layer (reference 0.5). */
  dropout?: number;
  /** 'batch' (reference) or 'none'. */
  norm?: 'batch' | 'none';
}

/**
 * The 4-block CNN of "Dataset Condensation Driven Machine Unlearning" (2024; docs/reference/modular-2024.md#b2): four
 * [conv3x3 pad 1 -> BatchNorm -> ReLU -> 2x2 max-pool] blocks with 32/64/128/256 channels, so a 32x32
 * input flattens to 256*2*2 = 1024, then fc 1024 -> ReLU -> Dropout 0.5 | fc classes. docs/reference/modular-2024.md#b2 lists
 * fc1-dropout-fc2; the paper calls it "a 2-layered MLP with dropout", so we put a ReLU after fc1 (our choice).
 * embed() = the 1024-d hidden layer. Parameters (32x32x3, 10 classes): convs 896 + 18,496 + 73,856 +
 * 295,168, BN 64 + 128 + 256 + 512, fc1 1,049,600, fc2 10,250; total 1,449,226.
 */
export function cnn4(rng: Rng, inputShape: ImageShape, numClasses: number, options: Cnn4Options = {}): ZooModel {
  const o = new ModelOptions('cnn4', options as Record<string, unknown>);
  const widths = o.intList('widths', [32, 64, 128, 256], 4);
  const hidden = o.int('hidden', 1024);
  const dropout = o.number('dropout', 0.5, 0, 1);
  const norm = o.choice('norm', 'batch', ['batch', 'none'] as const);
  o.done();
  const layers: Module[] = [];
  let [h, w, c] = inputShape;
  widths.forEach((width, i) => {
    layers.push(new Conv2d(rng.fork(`conv${i + 1}`), c, width, 3, 1, 1), makeNorm(norm, width), new ReLU(), new Pool2d('max', 2, 2));
    c = width;
    h = Math.floor(h / 2);
    w = Math.floor(w / 2);
    checkSpatial('cnn4', h, w, `block ${i + 1}`);
  });
  layers.push(new Flatten(), new Linear(rng.fork('fc1'), h * w * c, hidden), new ReLU(), new Dropout(rng.fork('dropout'), dropout));
  return { features: new Sequential(layers), head: new Linear(rng.fork('fc2'), hidden, numClasses), embedDim: hidden };
}

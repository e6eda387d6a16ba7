import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { Conv2d, Dropout, Flatten, Linear, Pool2d, ReLU, makeNorm } from '../nn/layers';
import { Sequential, type Module } from '../nn/module';
import { ModelOptions, checkSpatial } from './options';
import type { ZooModel } from './types';

export interface Vgg16Options {
  /** 'none' (default, torchvision vgg16 as the 2024 paper uses it) or 'batch' (vgg16_bn). */
  norm?: 'none' | 'batch';
  /** Width of the two hidden classifier layers (4096 in the reference). */
  classifierWidth?: number;
  /** Dropout after each hidden classifier layer (0.5 in the reference). */
  dropout?: number;
  /** Multiplies every conv width (1 = 64..512); for small CPU runs. */
  widthFactor?: number;
}

/** torchvision's configuration 'D': conv widths, 'M' = 2x2 max-pool. */
const CONFIG_D = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'] as const;

/**
 * VGG-16 as the 2024 paper (DC_U, docs/reference/modular-2024.md#b2) uses it on CIFAR: torchvision's 13 conv3x3 (pad 1) + ReLU
 * layers with five max-pools, the adaptive average pool skipped, so a 32x32 input flattens to 512 features,
 * then Linear(512, 4096)-ReLU-Dropout-Linear(4096, 4096)-ReLU-Dropout | Linear(4096, classes).
 * embed() = the second 4096-d hidden layer (the input of the last linear).
 * Parameters (32x32x3, 10 classes): convs 14,714,688; 512*4096+4096 = 2,101,248;
 * 4096*4096+4096 = 16,781,312; 4096*10+10 = 40,970; total 33,638,218.
 */
export function vgg16(rng: Rng, inputShape: ImageShape, numClasses: number, options: Vgg16Options = {}): ZooModel {
  const o = new ModelOptions('vgg16', options as Record<string, unknown>);
  const norm = o.choice('norm', 'none', ['none', 'batch'] as const);
  const hidden = o.int('classifierWidth', 4096);
  const dropout = o.number('dropout', 0.5, 0, 1);
  const factor = o.number('widthFactor', 1, Number.MIN_VALUE, Infinity);
  o.done();
  const layers: Module[] = [];
  let [h, w, c] = inputShape;
  CONFIG_D.forEach((v, i) => {
    if (v === 'M') {
      layers.push(new Pool2d('max', 2, 2));
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
      checkSpatial('vgg16', h, w, `max-pool layer ${i}`);
      return;
    }
    const out = Math.max(1, Math.round(v * factor));
    // torchvision keeps the conv bias in vgg16_bn too.
    layers.push(new Conv2d(rng.fork(`features.${i}`), c, out, 3, 1, 1, true));
    if (norm === 'batch') layers.push(makeNorm('batch', out));
    layers.push(new ReLU());
    c = out;
  });
  const flat = h * w * c;
  layers.push(
    new Flatten(),
    new Linear(rng.fork('classifier.0'), flat, hidden),
    new ReLU(),
    new Dropout(rng.fork('dropout.0'), dropout),
    new Linear(rng.fork('classifier.3'), hidden, hidden),
    new ReLU(),
    new Dropout(rng.fork('dropout.1'), dropout),
  );
  return { features: new Sequential(layers), head: new Linear(rng.fork('classifier.6'), hidden, numClasses), embedDim: hidden };
}

import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { Conv2d, Dropout, Flatten, Linear, Pool2d, ReLU } from '../nn/layers';
import type { Module } from '../nn/module';
import { checkSpatial } from './options';

export interface ConvClassifierSpec {
  /** Channels of the conv blocks (reference [64, 128, 256]). */
  widths: number[];
  /** Width of the hidden fully connected layer (reference 512). */
  hidden: number;
  /** Dropout after the hidden layer (reference 0.5). */
  dropout: number;
}

/** The reference's ConvClassifier (docs/reference/modular-2024.md#b10): conv 64/128/256 with pools, FC 512, dropout 0.5, FC 10. */
export const CONV_CLASSIFIER_DEFAULTS: ConvClassifierSpec = { widths: [64, 128, 256], hidden: 512, dropout: 0.5 };

/**
 * The small classifier of the 2024 paper's autoencoder study, the Final part that reads the decoder's
 * re-rendered image: per width [conv 3x3 pad 1 -> ReLU -> 2x2 max-pool], flatten, fc hidden -> ReLU ->
 * dropout | fc classes. The reference lists no norm layers and no activation after the hidden layer; we put
 * a ReLU there (a dropout right after a linear layer with no non-linearity would make two linear layers one).
 * Returns the layers up to the dropout (the body, whose output is the hidden features) and the last linear
 * layer (the head). On 32x32 input with the defaults: convs 1,792 (3 channels) + 73,856 + 295,168, fc
 * 4096 -> 512 2,097,664, fc 5,130.
 */
export function convClassifierLayers(rng: Rng, inputShape: ImageShape, numClasses: number, spec: ConvClassifierSpec, arch = 'conv-classifier'): { body: Module[]; head: Linear; hidden: number } {
  const body: Module[] = [];
  let [h, w, c] = inputShape;
  spec.widths.forEach((width, i) => {
    body.push(new Conv2d(rng.fork(`conv${i + 1}`), c, width, 3, 1, 1), new ReLU(), new Pool2d('max', 2, 2));
    c = width;
    h = Math.floor(h / 2);
    w = Math.floor(w / 2);
    checkSpatial(arch, h, w, `classifier block ${i + 1}`);
  });
  body.push(new Flatten(), new Linear(rng.fork('fc1'), h * w * c, spec.hidden), new ReLU(), new Dropout(rng.fork('dropout'), spec.dropout));
  return { body, head: new Linear(rng.fork('fc2'), spec.hidden, numClasses), hidden: spec.hidden };
}

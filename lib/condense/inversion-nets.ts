import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/rng';
import type { ImageShape } from '../data/dataset';
import { Linear, ReLU } from '../models/nn/layers';
import { Module, Sequential } from '../models/nn/module';

function mlpLayers(rng: Rng, sizes: number[]): Module[] {
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(rng.fork(`fc${i}`), sizes[i], sizes[i + 1]));
    if (i + 2 < sizes.length) layers.push(new ReLU());
  }
  return layers;
}

/**
 * InverterNet of the 2024 paper's MLP folders and benchmark ("InvertedMLP", docs/reference/modular-2024.md#b4): a cluster code
 * (one-hot cluster id, or the bucket model's softmax) -> 128 -> 512 -> 2048 -> 4096 -> image, ReLU
 * between layers, linear output reshaped to the image (NHWC here; the reference reshapes to CHW,
 * which only permutes the randomly initialised output units).
 */
export class InverterNet extends Module {
  private readonly body: Sequential;

  constructor(
    readonly codeLength: number,
    readonly imageShape: ImageShape,
    hidden: number[],
    seed: number | string,
  ) {
    super();
    const out = imageShape[0] * imageShape[1] * imageShape[2];
    this.body = this.child('body', new Sequential(mlpLayers(new Rng(seed).fork('inverter'), [codeLength, ...hidden, out])));
  }

  /** codes [n, codeLength] -> images [n, h, w, c]. */
  forward(codes: tf.Tensor): tf.Tensor4D {
    return tf.reshape(this.body.forward(codes, true), [codes.shape[0], ...this.imageShape]);
  }
}

/** The benchmark's "bucket" model (docs/reference/modular-2024.md#b4, bulky variant): an MLP image -> 2048 -> 512 -> 256 -> cluster logits. */
export class BucketNet extends Module {
  private readonly body: Sequential;

  constructor(imageShape: ImageShape, hidden: number[], readonly clusters: number, seed: number | string) {
    super();
    const d = imageShape[0] * imageShape[1] * imageShape[2];
    this.body = this.child('body', new Sequential(mlpLayers(new Rng(seed).fork('bucket'), [d, ...hidden, clusters])));
  }

  /** images [n, h, w, c] -> cluster logits [n, clusters]. */
  forward(x: tf.Tensor): tf.Tensor2D {
    return this.body.forward(tf.reshape(x, [x.shape[0], -1]), true) as tf.Tensor2D;
  }
}

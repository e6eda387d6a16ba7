import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import { ConvTranspose2d } from '../nn/conv-transpose';
import { Conv2d, Flatten, Linear, ReLU } from '../nn/layers';
import { Module, Sequential, joinPath } from '../nn/module';
import { CONV_CLASSIFIER_DEFAULTS, convClassifierLayers } from './conv-classifier';
import { ModelOptions } from './options';
import type { ZooModel } from './types';

/** What the classifier reads: 'mlp' = the pretrained model (an MLP on the code); 'conv-classifier' = the condensed model (a ConvClassifier on the reconstruction). */
export type AutoencoderFinal = 'mlp' | 'conv-classifier';
/**
 * The reconstruction term's target. 'pixels' (default, our fix): the un-normalised [0, 1] image, which the
 * sigmoid output can match. 'normalised': the model's (normalised) input, as the reference does; a sigmoid
 * cannot reach its negative values, so part of the error can never be trained away.
 */
export type ReconstructionTarget = 'pixels' | 'normalised';

export interface AutoencoderOptions {
  /** Encoder channels, one [conv 4x4 stride 2 pad 1 -> ReLU] block each (reference [32, 64, 128]); the decoder mirrors them. */
  channels?: number[];
  /** Default 'mlp'. */
  final?: AutoencoderFinal;
  /** 'mlp': the head's hidden widths on the flattened code (reference [1024, 512, 256]). */
  hidden?: number[];
  /** 'mlp': weight (> 0) of the reconstruction MSE added to the cross-entropy when the model is trained by fit (reference 0.5). */
  reconstructionWeight?: number;
  /** 'mlp': see ReconstructionTarget (default 'pixels'). */
  reconstructionTarget?: ReconstructionTarget;
  /** 'conv-classifier': its conv widths, hidden width and dropout (reference [64, 128, 256], 512, 0.5). */
  classifierWidths?: number[];
  classifierHidden?: number;
  classifierDropout?: number;
}

/** Zero padding of the spatial axes (top, bottom, left, right). */
export class ZeroPad2d extends Module {
  constructor(readonly pads: [number, number, number, number]) {
    super();
  }

  forward(x: tf.Tensor): tf.Tensor {
    const [t, b, l, r] = this.pads;
    return tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]]);
  }
}

export class Sigmoid extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
}

/**
 * The feature extractor of the autoencoder models: encoder, decoder and (for 'conv-classifier') the
 * ConvClassifier's body, named 'encoder.i', 'decoder.i' and 'final.i' so the condensed model splits as
 * Beginning = encoder | Intermediate = decoder | Final = classifier (AUTOENCODER_CUTS). With 'mlp' the
 * forward pass is flatten(encoder(x)) (the code); the decoder is held for the reconstruction term.
 */
export class AutoencoderFeatures extends Module {
  private readonly flatten = new Flatten();

  constructor(
    readonly encoder: Sequential,
    readonly decoder: Sequential,
    readonly final: Sequential | null,
    readonly reconstruction: { weight: number; target: ReconstructionTarget } | null,
    private readonly pad: ZeroPad2d | null,
  ) {
    super();
    this.child('encoder', encoder);
    this.child('decoder', decoder);
    if (final != null) this.child('final', final);
    else this.child('flatten', this.flatten);
  }

  override stages(): Array<[string, Module]> {
    const under = (prefix: string, m: Sequential) => m.stages().map(([n, s]): [string, Module] => [joinPath(prefix, n), s]);
    const tail: Array<[string, Module]> = this.final != null ? under('final', this.final) : [['flatten', this.flatten]];
    return [...under('encoder', this.encoder), ...(this.final != null ? under('decoder', this.decoder) : []), ...tail];
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    let y = x;
    for (const [, m] of this.stages()) y = m.forward(y, training);
    return y;
  }

  /** decoder(encoder(x)): the re-rendered image in [0, 1], in the padded frame (32x32 for 28x28 input). */
  reconstruct(x: tf.Tensor, training = false): tf.Tensor4D {
    return this.decoder.forward(this.encoder.forward(x, training), training) as tf.Tensor4D;
  }

  /** The reconstruction's target for a normalised input batch: the padded input, un-normalised for 'pixels'. */
  reconstructionTarget(x: tf.Tensor, target: ReconstructionTarget, input: { mean: readonly number[]; std: readonly number[] }): tf.Tensor4D {
    return tf.tidy(() => {
      const padded = this.pad != null ? this.pad.forward(x) : x;
      if (target === 'normalised') return padded as tf.Tensor4D;
      const c = x.shape[3]!;
      if (input.mean.length !== c || input.std.length !== c) {
        throw new Error(`autoencoder: the 'pixels' target needs one mean and std per channel (${c}); got ${input.mean.length} and ${input.std.length}.`);
      }
      return tf.add(tf.mul(padded, tf.tensor1d([...input.std])), tf.tensor1d([...input.mean])) as tf.Tensor4D;
    });
  }

  /**
   * The reconstruction term lib/train's fit adds to the cross-entropy (an auxiliary loss, see
   * lib/train/auxiliary-loss.ts): weight * MSE(reconstruct(x), target), or null when the model has none.
   */
  auxiliaryLoss(x: tf.Tensor4D, input: { mean: readonly number[]; std: readonly number[] }): tf.Scalar | null {
    const r = this.reconstruction;
    if (r == null) return null;
    return tf.tidy(() => tf.mul(tf.mean(tf.squaredDifference(this.reconstruct(x, true), this.reconstructionTarget(x, r.target, input))), r.weight) as tf.Scalar);
  }
}

/** Where the condensed model ('conv-classifier') splits: Beginning = encoder, Intermediate = decoder, Final = classifier. */
export const AUTOENCODER_CUTS = { intermediateFrom: 'features.decoder.0', finalFrom: 'features.final.0' } as const;

/**
 * The convolutional autoencoder of the 2024 paper's "unlearning in a condensed model" study
 * (docs/reference/modular-2024.md#b10). Encoder: per channel count [conv 4x4 stride 2 pad 1 -> ReLU]
 * (32, 64, 128); decoder: the mirror, [conv-transpose 4x4 stride 2 pad 1 -> ReLU] back to 32 channels,
 * then a conv-transpose to the input's channels and a sigmoid. Each block halves the image, so an input
 * whose sides are not a multiple of 2^blocks is zero-padded (in normalised space) to the next multiple
 * inside the model, centred: Fashion-MNIST's 28x28 becomes 32x32, so the convolutions and transposed
 * convolutions round-trip exactly and the reconstruction (and its target) is the padded image.
 *
 * final 'mlp' (the pretrained model): logits = MLP(flatten(code)), 2048 -> 1024 -> 512 -> 256 -> 10 with
 * ReLUs on 32x32 input; embed() = the flattened code (the features k-means and fast DM use). Trained by fit
 * on CE + reconstructionWeight * MSE(decoder(code), target). final 'conv-classifier' (the condensed model):
 * logits = ConvClassifier(decoder(encoder(x))); embed() = the classifier's hidden layer.
 * Parameters (32x32x3, 'mlp'): encoder 1,568 + 32,832 + 131,200; decoder 131,136 + 32,800 + 1,539; head
 * 2,098,176 + 524,800 + 131,328 + 2,570; total 3,087,949.
 */
export function autoencoder(rng: Rng, inputShape: ImageShape, numClasses: number, options: AutoencoderOptions = {}): ZooModel {
  const o = new ModelOptions('autoencoder', options as Record<string, unknown>);
  const channels = o.intList('channels', [32, 64, 128]);
  const final = o.choice<AutoencoderFinal>('final', 'mlp', ['mlp', 'conv-classifier']);
  const mlpOptions = final === 'mlp'
    ? {
        hidden: o.intList('hidden', [1024, 512, 256]),
        weight: o.number('reconstructionWeight', 0.5, 0, Number.POSITIVE_INFINITY),
        target: o.choice<ReconstructionTarget>('reconstructionTarget', 'pixels', ['pixels', 'normalised']),
      }
    : null;
  const classifier = final === 'conv-classifier'
    ? {
        widths: o.intList('classifierWidths', CONV_CLASSIFIER_DEFAULTS.widths),
        hidden: o.int('classifierHidden', CONV_CLASSIFIER_DEFAULTS.hidden),
        dropout: o.number('classifierDropout', CONV_CLASSIFIER_DEFAULTS.dropout, 0, 1),
      }
    : null;
  o.done();
  // Without the term nothing reaches the decoder, whose weights would get no gradient at all.
  if (mlpOptions != null && !(mlpOptions.weight > 0)) throw new Error(`autoencoder: option 'reconstructionWeight' must be > 0 (the decoder trains only through it), got ${mlpOptions.weight}.`);
  const [h, w, c] = inputShape;
  // Each block halves the size: pad to a multiple of 2^blocks so the decoder gives back the same frame.
  const f = 2 ** channels.length;
  const [H, W] = [Math.ceil(h / f) * f, Math.ceil(w / f) * f];
  const pads: [number, number, number, number] = [Math.floor((H - h) / 2), Math.ceil((H - h) / 2), Math.floor((W - w) / 2), Math.ceil((W - w) / 2)];
  const pad = H !== h || W !== w ? new ZeroPad2d(pads) : null;
  const encoder: Module[] = pad != null ? [pad] : [];
  let inC = c;
  channels.forEach((width, i) => {
    encoder.push(new Conv2d(rng.fork(`enc${i + 1}`), inC, width, 4, 2, 1), new ReLU());
    inC = width;
  });
  const decoder: Module[] = [];
  const outs = [...channels.slice(0, -1).reverse(), c];
  outs.forEach((width, i) => {
    decoder.push(new ConvTranspose2d(rng.fork(`dec${i + 1}`), inC, width, 4, 2, 1), i < outs.length - 1 ? new ReLU() : new Sigmoid());
    inC = width;
  });
  if (mlpOptions != null) {
    const code = (H / f) * (W / f) * channels[channels.length - 1];
    const head: Module[] = [];
    let d = code;
    mlpOptions.hidden.forEach((width, i) => {
      head.push(new Linear(rng.fork(`fc${i + 1}`), d, width), new ReLU());
      d = width;
    });
    head.push(new Linear(rng.fork(`fc${mlpOptions.hidden.length + 1}`), d, numClasses));
    const features = new AutoencoderFeatures(new Sequential(encoder), new Sequential(decoder), null, { weight: mlpOptions.weight, target: mlpOptions.target }, pad);
    return { features, head: new Sequential(head), embedDim: code };
  }
  const cls = convClassifierLayers(rng.fork('classifier'), [H, W, c], numClasses, classifier!, 'autoencoder');
  const features = new AutoencoderFeatures(new Sequential(encoder), new Sequential(decoder), new Sequential(cls.body), null, pad);
  return { features, head: cls.head, embedDim: cls.hidden };
}

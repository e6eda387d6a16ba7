import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from '../data/dataset';
import { Module, joinPath } from './nn/module';

export interface ModelSpec {
  /** Registry name, e.g. 'convnet'. */
  arch: string;
  inputShape: ImageShape;
  numClasses: number;
  /** Architecture options (width, depth, norm, ...), as given to the registry. */
  options: Record<string, unknown>;
  seed: number | string;
}

/**
 * An image classifier: a feature extractor (embed, the penultimate features) and a linear head.
 * logits(x) = head(embed(x)). Inputs are NHWC float32 batches.
 */
export class Classifier extends Module {
  constructor(
    readonly spec: ModelSpec,
    readonly features: Module,
    readonly head: Module,
    readonly embedDim: number,
  ) {
    super();
    this.child('features', features);
    this.child('classifier', head);
  }

  get name(): string {
    return this.spec.arch;
  }

  get numClasses(): number {
    return this.spec.numClasses;
  }

  /** Penultimate features [n, embedDim]. */
  embed(x: tf.Tensor, training = false): tf.Tensor2D {
    this.checkInput(x);
    return this.features.forward(x, training) as tf.Tensor2D;
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor2D {
    return this.head.forward(this.embed(x, training), training) as tf.Tensor2D;
  }

  /** Logits in evaluation mode. */
  predict(x: tf.Tensor): tf.Tensor2D {
    return this.forward(x, false);
  }

  /** The feature extractor's stages, then the head's: their composition is forward() without the input check. */
  override stages(): Array<[string, Module]> {
    const under = (prefix: string, m: Module) => m.stages().map(([n, s]): [string, Module] => [joinPath(prefix, n), s]);
    return [...under('features', this.features), ...under('classifier', this.head)];
  }

  /** Throws a clear error unless x is an NHWC batch of this model's image shape. */
  checkInput(x: tf.Tensor): void {
    const [h, w, c] = this.spec.inputShape;
    if (x.rank !== 4 || x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c) {
      throw new Error(
        `${this.spec.arch} expects NHWC input [n, ${h}, ${w}, ${c}], got [${x.shape.join(', ')}]. ` +
          'Build the model with the dataset\'s image shape (createModel(arch, { inputShape })).',
      );
    }
  }
}

/** Copies every parameter and buffer of `from` into `to` (same architecture). */
export function copyWeights(from: Module, to: Module): void {
  const src = [...from.namedParameters(), ...from.namedBuffers()];
  const dst = new Map([...to.namedParameters(), ...to.namedBuffers()]);
  if (src.length !== dst.size) throw new Error(`copyWeights: models differ (${src.length} vs ${dst.size} tensors).`);
  for (const [name, v] of src) {
    const d = dst.get(name);
    if (d == null || d.shape.join() !== v.shape.join()) {
      throw new Error(`copyWeights: no matching tensor for '${name}' [${v.shape.join(', ')}].`);
    }
    d.assign(v);
  }
}

import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/rng';
import type { ImageShape } from '../data/dataset';
import { Classifier, copyWeights } from './classifier';
import { allcnn } from './zoo/allcnn';
import { autoencoder } from './zoo/autoencoder';
import { cnn4 } from './zoo/cnn4';
import { convnet } from './zoo/convnet';
import { lenet } from './zoo/lenet';
import { mlp } from './zoo/mlp';
import { resnet18, resnet50 } from './zoo/resnet';
import type { ZooBuilder } from './zoo/types';
import { vgg16 } from './zoo/vgg16';
import { vitTiny } from './zoo/vit';

/** Every architecture by registry name (the name stored in ModelSpec.arch and in checkpoints). */
const BUILDERS: Record<string, ZooBuilder> = {
  convnet: convnet as ZooBuilder,
  mlp: mlp as ZooBuilder,
  lenet: lenet as ZooBuilder,
  resnet18: resnet18 as ZooBuilder,
  resnet50: resnet50 as ZooBuilder,
  vgg16: vgg16 as ZooBuilder,
  allcnn: allcnn as ZooBuilder,
  cnn4: cnn4 as ZooBuilder,
  'vit-tiny': vitTiny as ZooBuilder,
  autoencoder: autoencoder as ZooBuilder,
};

export function modelNames(): string[] {
  return Object.keys(BUILDERS);
}

export interface CreateModelOptions {
  inputShape: ImageShape;
  numClasses: number;
  /** Seed of the weight initialisation (default 0). */
  seed?: number | string;
  /** Architecture options, e.g. { width: 64, norm: 'batch' }. */
  options?: Record<string, unknown>;
}

/** Builds a freshly initialised model by registry name. */
export function createModel(arch: string, o: CreateModelOptions): Classifier {
  const build = Object.prototype.hasOwnProperty.call(BUILDERS, arch) ? BUILDERS[arch] : undefined;
  if (build == null) {
    throw new Error(`Unknown model '${arch}'. Choose one of: ${modelNames().join(', ')}.`);
  }
  const [h, w, c] = o.inputShape ?? [];
  if (![h, w, c].every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`createModel('${arch}'): inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(o.inputShape)}.`);
  }
  if (!Number.isInteger(o.numClasses) || o.numClasses < 2) {
    throw new Error(`createModel('${arch}'): numClasses must be an integer >= 2, got ${o.numClasses}.`);
  }
  const seed = o.seed ?? 0;
  // A private copy: the spec (and checkpoints) must not change if the caller mutates its object.
  const options = structuredClone(o.options ?? {});
  // A builder that throws half-way (e.g. the image is too small for its pooling) has already made
  // some variables: dispose those, so a failed createModel leaks nothing.
  const existing = new Set(Object.keys(tf.engine().state.registeredVariables));
  let built: ReturnType<ZooBuilder>;
  try {
    built = build(new Rng(seed).fork(arch), o.inputShape, o.numClasses, options);
  } catch (err) {
    for (const [name, v] of Object.entries(tf.engine().state.registeredVariables)) if (!existing.has(name)) v.dispose();
    throw err;
  }
  const { features, head, embedDim } = built;
  return new Classifier({ arch, inputShape: o.inputShape, numClasses: o.numClasses, options, seed }, features, head, embedDim);
}

/** A new model of the same architecture holding a copy of the weights. */
export function cloneModel(m: Classifier): Classifier {
  const copy = createModel(m.spec.arch, { ...m.spec });
  copyWeights(m, copy);
  return copy;
}

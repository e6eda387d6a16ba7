import { Rng } from '../engine/rng';
import { Classifier, copyWeights, type ImageShape } from './classifier';
import type { Module } from './nn/module';
import { convnet } from './zoo/convnet';
import { mlp } from './zoo/mlp';

type Builder = (
  rng: Rng,
  inputShape: ImageShape,
  numClasses: number,
  opts: Record<string, unknown>,
) => { features: Module; head: Module; embedDim: number };

const BUILDERS: Record<string, Builder> = {
  convnet: convnet as Builder,
  mlp: mlp as Builder,
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
  const build = BUILDERS[arch];
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
  const options = o.options ?? {};
  const { features, head, embedDim } = build(new Rng(seed).fork(arch), o.inputShape, o.numClasses, options);
  return new Classifier({ arch, inputShape: o.inputShape, numClasses: o.numClasses, options, seed }, features, head, embedDim);
}

/** A new model of the same architecture holding a copy of the weights. */
export function cloneModel(m: Classifier): Classifier {
  const copy = createModel(m.spec.arch, { ...m.spec });
  copyWeights(m, copy);
  return copy;
}

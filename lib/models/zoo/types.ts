import type { Rng } from '../../engine/rng';
import type { ImageShape } from '../../data/dataset';
import type { Module } from '../nn/module';

/** What a zoo builder returns: logits = head(features(x)), features(x) is [n, embedDim]. */
export interface ZooModel {
  features: Module;
  head: Module;
  embedDim: number;
}

/** Builds a freshly initialised architecture; options are validated (unknown names throw). */
export type ZooBuilder = (rng: Rng, inputShape: ImageShape, numClasses: number, options: Record<string, unknown>) => ZooModel;

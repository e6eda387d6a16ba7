import type { Dataset } from '../data/dataset';

/** A condensed set: synthetic images with their labels, ids and provenance. */
export interface CondensedSet {
  /** Synthetic images as a Dataset; ids are negative (see synthetic-ids.ts). */
  dataset: Dataset;
  /** Real sample ids each synthetic image stands for (empty when the method does not tie images to samples). */
  provenance: Map<number, Int32Array>;
  method: string;
  seconds: number;
  lossHistory: number[];
}

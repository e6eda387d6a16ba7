import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { Rng } from '../../lib/engine/rng';

/** A small, seeded Fashion-MNIST training subset (ids are the source positions). */
export function smallTrain(n = 200, seed = 1): Dataset {
  const all = loadFashionMnist('train');
  return subsetByIndex(all, new Rng(seed).permutation(all.labels.length).subarray(0, n));
}

export const TINY_EXTRACTOR = { arch: 'convnet', options: { width: 8 } };

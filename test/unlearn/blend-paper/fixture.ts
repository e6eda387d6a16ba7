import { size, subsetByIndex, type Dataset } from '../../../lib/data/dataset';
import { loadFashionMnist } from '../../../lib/data/loaders/fashion-mnist';
import { Rng } from '../../../lib/engine/rng';
import type { Classifier } from '../../../lib/models/classifier';
import { createModel } from '../../../lib/models/registry';
import { fit } from '../../../lib/train/fit';

export interface ClasswiseSetup {
  model: Classifier;
  train: Dataset;
  retain: Dataset;
  forget: Dataset;
  testPool: Dataset;
  forgetClass: number;
}

function firstN(ds: Dataset, n: number, rng: Rng): Dataset {
  return subsetByIndex(ds, rng.permutation(size(ds)).subarray(0, n));
}

/**
 * A small class-wise forgetting setup on real Fashion-MNIST: a width-8 ConvNet pretrained on `nTrain`
 * images (max-pooled so it trains fast), forget = every training image of `forgetClass`.
 */
export async function classwiseSetup(opts: { nTrain?: number; nTest?: number; forgetClass?: number; epochs?: number; arch?: string } = {}): Promise<ClasswiseSetup> {
  const rng = new Rng('blend-paper-fixture');
  const train = firstN(loadFashionMnist('train'), opts.nTrain ?? 500, rng.fork('train'));
  const testPool = firstN(loadFashionMnist('test'), opts.nTest ?? 300, rng.fork('test'));
  const forgetClass = opts.forgetClass ?? 2;
  const idx = (keep: (y: number) => boolean) => Int32Array.from([...train.labels.keys()].filter((i) => keep(train.labels[i])));
  const forget = subsetByIndex(train, idx((y) => y === forgetClass));
  const retain = subsetByIndex(train, idx((y) => y !== forgetClass));
  const arch = opts.arch ?? 'convnet';
  const model = createModel(arch, {
    inputShape: train.shape,
    numClasses: 10,
    seed: 1,
    options: arch === 'convnet' ? { width: 8, pooling: 'max' } : { hidden: [32] },
  });
  await fit(model, train, { epochs: opts.epochs ?? 4, batchSize: 32, lr: 0.05, optimizer: { kind: 'sgd', momentum: 0.9 }, seed: 1 });
  return { model, train, retain, forget, testPool, forgetClass };
}

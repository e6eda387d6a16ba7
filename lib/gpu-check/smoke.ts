import { makeDataset, size, subsetByIds, type Dataset } from '../data/dataset';
import { loadFashionMnist } from '../data/loaders/fashion-mnist';
import { capPerClass, testPoolSplit, uniformSplit } from '../data/splits';
import { measureUnlearning, type UnlearnMeasures } from '../experiments/shared/measure';
import { createModel } from '../models/registry';
import { accuracy } from '../train/evaluate';
import { fit } from '../train/fit';
import { getUnlearner, presetConfig, smokeCut, UNLEARN_PRESETS } from '../unlearn';

export interface SmokeOptions {
  /** Directory of the Fashion-MNIST idx files (a carried subset on the GPU machine). */
  dataDir?: string;
  trainPerClass: number;
  testPerClass: number;
  epochs: number;
  batchSize: number;
  /** Unlearning methods run on the 10% uniform forget request, with the cpu preset's settings cut to one epoch. */
  methods: string[];
  /** ResNet-18 width (channels of the first stage; the paper's 64). */
  width?: number;
  seed?: number;
}

export const SMOKE_DEFAULTS: SmokeOptions = { trainPerClass: 500, testPerClass: 200, epochs: 3, batchSize: 64, methods: ['cf', 'scrub'] };

export interface SmokeReport {
  dataset: string;
  inputShape: number[];
  sizes: Record<string, number>;
  model: string;
  epochs: number;
  trainSeconds: number;
  trainImagesPerSecond: number;
  originalTestAcc: number;
  methods: Array<{ method: string; seconds: number } & UnlearnMeasures>;
}

/** Fashion-MNIST [n,28,28,1] -> [n,32,32,3]: 2 background pixels on each side, the gray channel copied to three (the gpu-paper ResNet-18 input). */
export function padTo32x32x3(ds: Dataset): Dataset {
  const [h, w, c] = ds.shape;
  if (h !== 28 || w !== 28 || c !== 1) throw new Error(`padTo32x32x3: expects 28x28x1 images, got ${ds.shape.join('x')} (${ds.name}).`);
  const n = size(ds);
  // Background is raw 0, i.e. -mean/std after normalisation.
  const background = -ds.mean[0] / ds.std[0];
  const images = new Float32Array(n * 32 * 32 * 3).fill(background);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const v = ds.images[i * 784 + y * 28 + x];
        const o = ((i * 32 + y + 2) * 32 + x + 2) * 3;
        images[o] = v;
        images[o + 1] = v;
        images[o + 2] = v;
      }
    }
  }
  return makeDataset({ ...ds, images, shape: [32, 32, 3], mean: [ds.mean[0], ds.mean[0], ds.mean[0]], std: [ds.std[0], ds.std[0], ds.std[0]] });
}

/** A method's cpu-preset settings cut to a smoke run (the smoke checks that it runs, not what it reaches). */
function smokeConfig(method: string): Record<string, unknown> {
  // Methods the cpu preset does not list keep their own defaults.
  const c = method in UNLEARN_PRESETS['cpu-full'].methods ? presetConfig('cpu-full', method) : {};
  return smokeCut(method, c);
}

/**
 * The gpu-paper path in small: the instance-norm ResNet-18 trained a few epochs on Fashion-MNIST padded
 * to 32x32x3, then single-round unlearning of a 10% uniform forget set with each method, measured as
 * the Blend/A-AMU tables measure it (retain/forget/test accuracy and MIA score).
 */
export async function runSmoke(o: SmokeOptions): Promise<SmokeReport> {
  const seed = o.seed ?? 0;
  const load = (split: 'train' | 'test', perClass: number) => {
    const ds = loadFashionMnist(split, o.dataDir, { expectCount: false });
    return padTo32x32x3(subsetByIds(ds, capPerClass(ds, { perClass, seed })));
  };
  const train = load('train', o.trainPerClass);
  const test = load('test', o.testPerClass);
  const split = uniformSplit(train, { fraction: 0.1, seed });
  const pool = testPoolSplit(test, { poolFraction: 0.7, seed });
  const s = { retain: subsetByIds(train, split.retain), forget: subsetByIds(train, split.forget), testEval: subsetByIds(test, pool.evaluation) };
  const testPool = subsetByIds(test, pool.pool);
  const original = createModel('resnet18', { inputShape: [32, 32, 3], numClasses: 10, seed, options: { norm: 'instance', width: o.width ?? 64 } });
  try {
    const t0 = performance.now();
    await fit(original, train, { epochs: o.epochs, batchSize: o.batchSize, lr: 0.05, optimizer: { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4 }, schedule: { kind: 'cosine' }, seed, task: 'gpu smoke: resnet18 on padded fashion-mnist' });
    const trainSeconds = (performance.now() - t0) / 1000;
    const methods: SmokeReport['methods'] = [];
    for (const method of o.methods) {
      const res = await getUnlearner(method).run({ original, retain: s.retain, forget: s.forget, testPool, config: smokeConfig(method), seed });
      try {
        methods.push({ method, seconds: res.timing.seconds, ...(await measureUnlearning(res.model, s, seed, res.health)) });
      } finally {
        res.model.dispose();
      }
    }
    return {
      dataset: 'fashion-mnist padded to 32x32x3',
      inputShape: [32, 32, 3],
      sizes: { train: size(train), retain: size(s.retain), forget: size(s.forget), testPool: size(testPool), testEval: size(s.testEval) },
      model: `resnet18 (instance norm, width ${o.width ?? 64})`,
      epochs: o.epochs,
      trainSeconds,
      trainImagesPerSecond: (o.epochs * size(train)) / trainSeconds,
      originalTestAcc: await accuracy(original, s.testEval),
      methods,
    };
  } finally {
    original.dispose();
  }
}

import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import { imageSize, type Dataset } from '../data/dataset';
import { tidyReadScalar } from '../engine/read';
import { Rng } from '../engine/rng';
import type { PhaseTimer } from '../engine/timer';
import type { Classifier } from '../models/classifier';
import { createOptimizer, type OptimizerSpec } from '../train/optimizers';
import { crossEntropy } from '../train/losses';
import { variableFrom } from './cluster-weights';
import type { CondensedSet } from './condensed';
import { DSA_DEFAULT_STRATEGY, dsaAugment, sampleDsaParams, type DsaMode, type DsaTransform } from './dsa';
import { randomExtractor } from './features';

export interface DmOptions {
  /** Synthetic images per class. */
  ipc: number;
  seed: number | string;
  /** Reference (Blend repo) 20,000; DM paper 20,000. */
  iterations?: number;
  /** Image learning rate: reference 0.01, DM paper 1.0 (see dmPaperSettings). */
  lr?: number;
  /** Reference 0.5. */
  momentum?: number;
  /** The images' optimiser (default SGD with `momentum`; the 2024 benchmark's DM uses Adam). */
  imageOptimizer?: OptimizerSpec;
  /** Real images per class per iteration (reference 256). */
  realBatchPerClass?: number;
  /** DSA transforms (default DSA_DEFAULT_STRATEGY, all six as the reference); [] turns augmentation off. */
  dsa?: DsaTransform[];
  /** 'single' (default): one family per call, the reference's aug_mode 'S'; 'multiple': all in order ('M'). */
  dsaMode?: DsaMode;
  /** Random feature-net architecture (reference: the evaluated ConvNet). */
  extractorSpec?: { arch?: string; options?: Record<string, unknown> };
  /** Fixed nets built once (IDM-simplified: 3) instead of a fresh random net every iteration (DM: 0). */
  fixedNets?: number;
  /** Weight of CE(net(syn), label) added per class and net (IDM-simplified: 1; DM: 0). */
  ceWeight?: number;
  /** Use this (e.g. pretrained) model as the only feature map (the 2024 benchmark's DM variant). */
  featureModel?: Classifier;
  timer?: PhaseTimer;
  /** Called after every iteration with the loss (e.g. for progress). */
  onIteration?: (iteration: number, loss: number) => void;
}

/** The DM paper's own settings (Zhao & Bilen 2023): image lr 1.0; the rest as the reference. */
export const dmPaperSettings: Partial<DmOptions> = { lr: 1.0, iterations: 20000, momentum: 0.5, realBatchPerClass: 256 };

/** Synthetic initialisation: ipc random real images per class (ids drawn with rng). */
export function initFromRealImages(ds: Dataset, ipc: number, rng: Rng, who: string): { images: Float32Array; labels: Int32Array; byClass: number[][] } {
  if (ds.labels.length === 0) throw new Error(`${who}: the training set ${ds.name}/${ds.split} is empty.`);
  if (!Number.isInteger(ipc) || ipc < 1) throw new Error(`${who}: ipc must be a positive integer, got ${ipc}.`);
  const byClass: number[][] = ds.classNames.map(() => []);
  ds.labels.forEach((y, i) => byClass[y].push(i));
  const per = imageSize(ds);
  const k = ds.classNames.length;
  const images = new Float32Array(k * ipc * per);
  const labels = new Int32Array(k * ipc);
  byClass.forEach((pos, c) => {
    if (pos.length < ipc) throw new Error(`${who}: class ${c} has ${pos.length} images, fewer than ipc = ${ipc}; lower ipc.`);
    rng.sample(pos, ipc).forEach((p, j) => {
      images.set(ds.images.subarray(p * per, (p + 1) * per), (c * ipc + j) * per);
      labels[c * ipc + j] = c;
    });
  });
  return { images, labels, byClass };
}

/** Condensed set without per-sample provenance: ids -1..-n. */
export function syntheticSet(ds: Dataset, images: Float32Array, labels: Int32Array, method: string, seconds: number, lossHistory: number[]): CondensedSet {
  const ids = Int32Array.from(labels, (_, i) => -(i + 1));
  return {
    dataset: { ...ds, name: `${ds.name}-${method}`, split: 'condensed', images, labels, ids },
    provenance: new Map(),
    method,
    seconds,
    lossHistory,
  };
}

/**
 * Distribution matching (DM, Zhao & Bilen 2023) with the Blend reference's settings (docs/reference/blend-a-amu.md#a8): images
 * initialised from real ones, every iteration a fresh random ConvNet, loss sum_c ||mean phi(aug(real_c))
 * - mean phi(aug(syn_c))||^2 with siamese DSA (all six families, one drawn per class and net: aug_mode
 * 'S'), one SGD step (lr 0.01, momentum 0.5) on the images.
 * fixedNets / ceWeight turn it into the reference's simplified IDM (see idm.ts).
 */
export async function distributionMatching(ds: Dataset, o: DmOptions): Promise<CondensedSet> {
  const run = async (): Promise<CondensedSet> => {
    const t0 = performance.now();
    const rng = new Rng(o.seed).fork('dm');
    const iterations = o.iterations ?? 20000;
    const lr = o.lr ?? 0.01;
    const realBatch = o.realBatchPerClass ?? 256;
    const strategy = o.dsa ?? DSA_DEFAULT_STRATEGY;
    const mode = o.dsaMode ?? 'single';
    const ceWeight = o.ceWeight ?? 0;
    if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`distributionMatching: iterations must be an integer >= 0, got ${iterations}.`);
    if (!(lr > 0)) throw new Error(`distributionMatching: lr must be positive, got ${lr}.`);
    if (strategy.length) sampleDsaParams(rng.fork('check'), strategy, mode); // validates the strategy up front
    const init = initFromRealImages(ds, o.ipc, rng.fork('init'), 'distributionMatching');
    const k = ds.classNames.length;
    const syn = variableFrom(tf.tensor4d(init.images, [k * o.ipc, ...ds.shape]));
    const optimizer = createOptimizer(o.imageOptimizer ?? { kind: 'sgd', momentum: o.momentum ?? 0.5 });
    const fixed: Classifier[] = [];
    for (let i = 0; i < (o.fixedNets ?? 0); i++) fixed.push(randomExtractor(ds, { ...o.extractorSpec, seed: rng.fork(`net${i}`).uint32() }));
    const lossHistory: number[] = [];
    try {
      for (let it = 0; it < iterations; it++) {
        const itRng = rng.fork(`it${it}`);
        const fresh = o.featureModel == null && fixed.length === 0 ? randomExtractor(ds, { ...o.extractorSpec, seed: itRng.uint32() }) : null;
        const nets = o.featureModel ? [o.featureModel] : fresh ? [fresh] : fixed;
        try {
          const loss = await tidyReadScalar(() => {
            // Per class and net: the DSA parameters and the real batch, fixed before differentiation.
            const plan = init.byClass.flatMap((pos, c) => {
              const real = itRng.sample(pos, Math.min(realBatch, pos.length));
              return nets.map((net) => ({ c, net, params: strategy.length ? sampleDsaParams(itRng, strategy, mode) : null, real }));
            });
            // One tidy per real batch: only the feature mean survives, not the batch's activations
            // (keeping every class x net's activations at once exhausted memory at 256 images per class).
            const realMeans = plan.map(({ net, params, real }) =>
              tf.tidy(() => {
                const x = batchTensors(ds, real).x;
                return tf.mean(net.embed(params ? dsaAugment(x, params) : x, false), 0);
              }),
            );
            const { value, grads } = tf.variableGrads(() => {
              const terms = plan.map(({ c, net, params }, i) => {
                const s = tf.slice(syn, [c * o.ipc, 0, 0, 0], [o.ipc, -1, -1, -1]) as tf.Tensor4D;
                const f = net.embed(params ? dsaAugment(s, params) : s, false);
                let t = tf.sum(tf.square(tf.sub(realMeans[i], tf.mean(f, 0))));
                if (ceWeight > 0) {
                  const logits = net.head.forward(f, false) as tf.Tensor2D;
                  t = tf.add(t, tf.mul(crossEntropy(logits, tf.fill([o.ipc], c, 'int32') as tf.Tensor1D), ceWeight));
                }
                return t;
              });
              return tf.addN(terms) as tf.Scalar;
            }, [syn]);
            optimizer.step([syn], [grads[syn.name]], lr);
            return value;
          });
          if (!Number.isFinite(loss)) throw new Error(`distributionMatching: the loss became ${loss} at iteration ${it + 1}; lower lr (now ${lr}).`);
          lossHistory.push(loss);
          o.onIteration?.(it + 1, loss);
        } finally {
          fresh?.dispose();
        }
      }
      const images = (await syn.data()) as Float32Array;
      return syntheticSet(ds, Float32Array.from(images), init.labels, fixed.length ? 'idm' : 'dm', (performance.now() - t0) / 1000, lossHistory);
    } finally {
      syn.dispose();
      optimizer.dispose();
      fixed.forEach((n) => n.dispose());
    }
  };
  return o.timer ? o.timer.timeAsync('condensation', run) : run();
}

import { type Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import type { PhaseTimer } from '../engine/timer';
import type { Classifier } from '../models/classifier';
import { checkClusters, optimiseClusterImages } from './cluster-weights';
import type { CondensedSet } from './condensed';
import { randomExtractor } from './features';
import type { Cluster } from './partition';
import { syntheticId } from './synthetic-ids';

/** The reference's empirical learning rate of Blend as a function of IPC (clusters per class): 2 -> 1.0, 10 -> 0.166, 1000 -> 9998.7. */
export function blendLearningRate(ipc: number): number {
  if (!(ipc > 0)) throw new Error(`blendLearningRate: ipc must be positive, got ${ipc}.`);
  return -2.397e-6 * ipc ** 3 + 0.01265 * ipc ** 2 - 0.2558 * ipc + 1.461;
}

export interface BlendOptions {
  seed: number | string;
  /** Clusters per class; sets the default lr via blendLearningRate. Required unless lr is given. */
  ipc?: number;
  /** Default blendLearningRate(ipc). */
  lr?: number;
  /** Reference: 0.5. */
  momentum?: number;
  /** Reference: 12 in the unlearning scripts, 20 in the condensation benchmark. */
  iterations?: number;
  /** Feature map; default a fresh random ConvNet (second, independent of the k-means one). */
  extractor?: Classifier;
  /** Architecture of the random extractor (reference: convnet width 128, depth 3). */
  extractorSpec?: { arch?: string; options?: Record<string, unknown> };
  /** Divide the loss by the number of clusters as the reference does (default true). */
  averageOverClusters?: boolean;
  chunkClusters?: number;
  /** Adds the time to phase 'condensation'. */
  timer?: PhaseTimer;
}

/**
 * Blend (2025 paper, Eq. 2-3, docs/reference/blend-a-amu.md#a5-3): one image per cluster, s = sum_i w_i x_i / sum_j w_j with w
 * initialised to 1/n (no softmax, no positivity constraint), fitted by SGD (momentum 0.5) on the MSE
 * between phi(s) and the members' mean phi, phi a frozen random ConvNet. Label = the cluster's class;
 * id = syntheticId(cluster.id); provenance = the cluster's member ids.
 */
export async function blend(ds: Dataset, clusters: Cluster[], o: BlendOptions): Promise<CondensedSet> {
  const run = async (): Promise<CondensedSet> => {
    checkClusters(ds, clusters, 'blend');
    if (o.lr == null && o.ipc == null) throw new Error('blend: give ipc (clusters per class, for the reference learning rate) or lr.');
    const lr = o.lr ?? blendLearningRate(o.ipc!);
    const t0 = performance.now();
    const owned = o.extractor == null;
    const extractor = o.extractor ?? randomExtractor(ds, { ...o.extractorSpec, seed: new Rng(o.seed).fork('blend-extractor').uint32() });
    try {
      const res = await optimiseClusterImages(ds, clusters, {
        extractor,
        iterations: o.iterations ?? 12,
        lr,
        optimizer: { kind: 'sgd', momentum: o.momentum ?? 0.5 },
        normalise: true,
        featureReduction: 'mean',
        averageOverClusters: o.averageOverClusters ?? true,
        chunkClusters: o.chunkClusters,
      });
      return toCondensedSet(ds, clusters, res.images, 'blend', (performance.now() - t0) / 1000, res.lossHistory);
    } finally {
      if (owned) extractor.dispose();
    }
  };
  return o.timer ? o.timer.timeAsync('condensation', run) : run();
}

/** Wraps one image per cluster into a CondensedSet with negative ids and member provenance. */
export function toCondensedSet(ds: Dataset, clusters: Cluster[], images: Float32Array, method: string, seconds: number, lossHistory: number[]): CondensedSet {
  const labels = Int32Array.from(clusters, (c) => c.label);
  const ids = Int32Array.from(clusters, (c) => syntheticId(c.id));
  const provenance = new Map<number, Int32Array>();
  clusters.forEach((c, i) => provenance.set(ids[i], c.memberIds));
  return {
    dataset: { ...ds, name: `${ds.name}-${method}`, split: 'condensed', images, labels, ids },
    provenance,
    method,
    seconds,
    lossHistory,
  };
}

import { size, type Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import type { PhaseTimer } from '../engine/timer';
import type { Classifier } from '../models/classifier';
import { embedPositions, randomExtractor } from './features';
import { kmeans } from './kmeans';

/** One k-means cluster of one class. id = label * k + index within the class (the reference's fine label). */
export interface Cluster {
  id: number;
  label: number;
  /** Real sample ids (Dataset.ids) of the members. */
  memberIds: Int32Array;
}

export interface Partition {
  /** Clusters per class. */
  k: number;
  clusters: Cluster[];
  /** Cluster id of every partitioned sample id. */
  clusterOf: Map<number, number>;
  /** Which features the clusters were computed on. */
  featureSource: string;
  /** Lloyd iterations per class. */
  iterations: number[];
}

export interface PartitionOptions {
  /** Clusters per class (the reference's IPC; CIFAR-10 1000, SVHN 100, CINIC-10 800). */
  k: number;
  seed: number | string;
  /**
   * Features for k-means. Default: a randomly initialised, untrained ConvNet (the 2025 paper);
   * pass a pretrained model to cluster on its embed() as the 2024 paper does.
   */
  featureModel?: Classifier;
  /** Architecture of the random extractor when no featureModel is given (reference: convnet, width 128, depth 3). */
  extractor?: { arch?: string; options?: Record<string, unknown> };
  maxIter?: number;
  tol?: number;
  embedBatchSize?: number;
  /** Adds the time (embedding + k-means) to the phase 'kmeans'. */
  timer?: PhaseTimer;
}

/** Per-class k-means partition of a training set (Algorithm 1 of the 2025 paper). Partition once, reuse for every forget request. */
export async function partitionDataset(ds: Dataset, o: PartitionOptions): Promise<Partition> {
  const run = async (): Promise<Partition> => {
    const n = size(ds);
    if (n === 0) throw new Error(`partitionDataset: the dataset ${ds.name}/${ds.split} is empty; pass the training set.`);
    if (!Number.isInteger(o.k) || o.k < 1) throw new Error(`partitionDataset: k (clusters per class) must be a positive integer, got ${o.k}.`);
    const byClass: number[][] = ds.classNames.map(() => []);
    ds.labels.forEach((y, i) => byClass[y].push(i));
    byClass.forEach((pos, c) => {
      if (pos.length > 0 && pos.length < o.k) {
        throw new Error(
          `partitionDataset: class ${c} (${ds.classNames[c]}) has ${pos.length} samples, fewer than k = ${o.k} clusters; use k <= ${pos.length}.`,
        );
      }
    });
    const rng = new Rng(o.seed).fork('partition');
    const owned = o.featureModel == null;
    const model = o.featureModel ?? randomExtractor(ds, { ...o.extractor, seed: rng.fork('extractor').uint32() });
    try {
      const clusters: Cluster[] = [];
      const clusterOf = new Map<number, number>();
      const iterations: number[] = [];
      for (const [c, pos] of byClass.entries()) {
        if (pos.length === 0) {
          iterations.push(0);
          continue;
        }
        const feats = await embedPositions(model, ds, pos, o.embedBatchSize);
        const res = await kmeans(feats, pos.length, model.embedDim, { k: o.k, rng: rng.fork(`class${c}`), maxIter: o.maxIter, tol: o.tol });
        iterations.push(res.iterations);
        const members: number[][] = Array.from({ length: o.k }, () => []);
        res.assignments.forEach((a, i) => members[a].push(ds.ids[pos[i]]));
        members.forEach((m, j) => {
          const id = c * o.k + j;
          clusters.push({ id, label: c, memberIds: Int32Array.from(m) });
          for (const sid of m) clusterOf.set(sid, id);
        });
      }
      const featureSource = owned
        ? `random ${model.spec.arch} ${JSON.stringify(model.spec.options)}`
        : `given ${model.spec.arch} (seed ${model.spec.seed})`;
      return { k: o.k, clusters, clusterOf, featureSource, iterations };
    } finally {
      if (owned) model.dispose();
    }
  };
  return o.timer ? o.timer.timeAsync('kmeans', run) : run();
}

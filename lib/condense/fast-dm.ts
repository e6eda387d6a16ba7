import type { Dataset } from '../data/dataset';
import type { PhaseTimer } from '../engine/timer';
import type { Classifier } from '../models/classifier';
import { toCondensedSet } from './blend';
import { checkClusters, optimiseClusterImages } from './cluster-weights';
import type { CondensedSet } from './condensed';
import type { Cluster } from './partition';

export interface FastDmOptions {
  /** The pretrained model whose embed() is the feature map (2024 paper). */
  featureModel: Classifier;
  /** Reference: Adam 1e-3. */
  lr?: number;
  /** Reference: 100. */
  iterations?: number;
  chunkClusters?: number;
  timer?: PhaseTimer;
}

/**
 * Fast distribution matching (2024 paper, docs/reference/modular-2024.md#b4), Blend's predecessor: per cluster s = sum_i w_i x_i
 * (weights initialised 1/n, not normalised), loss = sum over feature dims of (mean phi(X) - phi(s))^2
 * with phi the pretrained model, Adam lr 1e-3, 100 iterations. The reference optimises clusters one
 * after another; Adam is element-wise, keeps a step count per parameter (one per chunk here) and clusters
 * are independent, so optimising them together in chunks gives the same result (tested with 12 chunks).
 */
export async function fastDistributionMatching(ds: Dataset, clusters: Cluster[], o: FastDmOptions): Promise<CondensedSet> {
  const run = async (): Promise<CondensedSet> => {
    checkClusters(ds, clusters, 'fastDistributionMatching');
    const t0 = performance.now();
    const res = await optimiseClusterImages(ds, clusters, {
      extractor: o.featureModel,
      iterations: o.iterations ?? 100,
      lr: o.lr ?? 1e-3,
      optimizer: { kind: 'adam' },
      normalise: false,
      featureReduction: 'sum',
      averageOverClusters: false,
      chunkClusters: o.chunkClusters,
    });
    return toCondensedSet(ds, clusters, res.images, 'fast-dm', (performance.now() - t0) / 1000, res.lossHistory);
  };
  return o.timer ? o.timer.timeAsync('condensation', run) : run();
}

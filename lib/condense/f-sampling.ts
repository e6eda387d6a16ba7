import type { Cluster, Partition } from './partition';

/** Result of F-sampling (Algorithm 2 of the 2025 paper). */
export interface FSample {
  /** Clusters without any forget member: condensed (one image each). */
  freeClusters: Cluster[];
  /** Clusters holding at least one forget member ("not safe" in the 2024 paper). */
  residualClusters: Cluster[];
  /** Retain members of the residual clusters: kept as raw images. */
  residualIds: Int32Array;
  /** Number of retain samples (partitioned samples not in the forget set). */
  retainCount: number;
}

/** Checks the forget ids against the partition and returns them as a set. */
export function forgetIdSet(partition: Partition, forgetIds: Iterable<number>): Set<number> {
  const forget = new Set<number>();
  for (const id of forgetIds) {
    if (!partition.clusterOf.has(id)) {
      throw new Error(`F-sampling: forget id ${id} is not in the partitioned training set; pass ids of training samples (Dataset.ids).`);
    }
    forget.add(id);
  }
  return forget;
}

/**
 * F-sampling: a cluster with no forget member is free (all its images go to R_free); a cluster with
 * >= 1 forget member is residual and its retain members go to R_residual, uncondensed.
 */
export function fSample(partition: Partition, forgetIds: Iterable<number>): FSample {
  const forget = forgetIdSet(partition, forgetIds);
  const freeClusters: Cluster[] = [];
  const residualClusters: Cluster[] = [];
  const residual: number[] = [];
  for (const c of partition.clusters) {
    if (c.memberIds.length === 0) continue; // guard: an empty cluster contributes nothing (reference would crash)
    let hit = false;
    for (const id of c.memberIds) {
      if (forget.has(id)) {
        hit = true;
        break;
      }
    }
    if (!hit) {
      freeClusters.push(c);
    } else {
      residualClusters.push(c);
      for (const id of c.memberIds) if (!forget.has(id)) residual.push(id);
    }
  }
  return {
    freeClusters,
    residualClusters,
    residualIds: Int32Array.from(residual),
    retainCount: partition.clusterOf.size - forget.size,
  };
}

/**
 * The 2024 paper's "collection protocol" (residual collection): a bucket holding a forget sample is
 * not safe and its retain members are collected raw; every safe bucket contributes its condensed
 * image. The split is exactly F-sampling's (the 2024 code condenses every bucket offline and drops
 * the unsafe ones' images; the 2025 code only condenses the free ones), so this is an alias.
 */
export const collectionProtocol = fSample;

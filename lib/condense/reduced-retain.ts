import { concatDatasets, subsetByIndex, type Dataset } from '../data/dataset';
import { PhaseTimer } from '../engine/timer';
import { blend, type BlendOptions } from './blend';
import { positionMap, positionsOfIds } from './cluster-weights';
import type { CondensedSet } from './condensed';
import { fSample, type FSample } from './f-sampling';
import type { Cluster, Partition } from './partition';
import { syntheticId } from './synthetic-ids';

/** R_reduced = R_residual (raw) + condensed(R_free) (Blend, or a set condensed up front), with provenance. */
export interface ReducedRetainSet {
  /** Residual raw images first (their real ids), then the blended images (negative ids). */
  dataset: Dataset;
  /** Synthetic id -> the real retain ids it stands for (each retain id of a free cluster appears once). */
  provenance: Map<number, Int32Array>;
  sample: FSample;
  residualCount: number;
  blendedCount: number;
  retainCount: number;
  /** |R_reduced| / |R|. */
  ratio: number;
  /** Seconds in 'sampling' and (when condensed here) 'condensation', and 'kmeans' when the caller's timer also partitioned. */
  timing: Record<string, number>;
}

export type ReduceOptions = Omit<BlendOptions, 'timer' | 'ipc'> & { timer?: PhaseTimer };

/**
 * Builds the reduced retain set for one forget request (2025 paper Sec. 3.3): F-sampling, Blend of
 * the free clusters, union with the residual raw images. `train` must be the partitioned training set.
 */
export async function reduceRetainSet(train: Dataset, partition: Partition, forgetIds: Iterable<number>, o: ReduceOptions): Promise<ReducedRetainSet> {
  return assemble(train, partition, forgetIds, o.timer ?? new PhaseTimer(), (free, timer) => blend(train, free, { ...o, ipc: partition.k, timer }), true);
}

/**
 * The 2024 paper's order (docs/reference/modular-2024.md#b4, the collection protocol): every cluster was
 * condensed before any request (`condensed`, e.g. fast DM over partition.clusters); a request keeps the
 * condensed image of each cluster it does not touch and the raw retain members of each one it does.
 * No condensation happens here, so the timing has 'sampling' only.
 */
export async function collectReducedRetainSet(train: Dataset, partition: Partition, forgetIds: Iterable<number>, condensed: CondensedSet, timer = new PhaseTimer()): Promise<ReducedRetainSet> {
  return assemble(train, partition, forgetIds, timer, async (free) => {
    const positions = positionMap(condensed.dataset);
    const missing = free.find((c) => !positions.has(syntheticId(c.id)));
    if (missing) throw new Error(`collectReducedRetainSet: cluster ${missing.id} has no image in the condensed set ${condensed.dataset.name}; condense every cluster of the partition first.`);
    const picked = subsetByIndex(condensed.dataset, Int32Array.from(free, (c) => positions.get(syntheticId(c.id))!));
    const provenance = new Map(free.map((c) => [syntheticId(c.id), condensed.provenance.get(syntheticId(c.id)) ?? c.memberIds] as const));
    return { ...condensed, dataset: picked, provenance };
  }, false);
}

/** Residual raw retain images of the touched clusters + one condensed image per untouched (free) cluster. */
async function assemble(
  train: Dataset,
  partition: Partition,
  forgetIds: Iterable<number>,
  timer: PhaseTimer,
  condenseFree: (free: Cluster[], timer: PhaseTimer) => Promise<CondensedSet>,
  /** True when condenseFree condenses (its time is a 'condensation' phase, 0 when nothing is free). */
  condenses: boolean,
): Promise<ReducedRetainSet> {
  const forget = Array.from(forgetIds);
  const who = 'reduceRetainSet';
  if (forget.length === 0) throw new Error(`${who}: the forget set is empty. Pass the ids of at least one training sample to forget.`);
  const { sample, residual } = timer.time('sampling', () => {
    const s = fSample(partition, forget);
    const pos = positionsOfIds(train, positionMap(train), s.residualIds);
    return { sample: s, residual: subsetByIndex(train, pos) };
  });
  if (sample.retainCount === 0) {
    throw new Error(`${who}: the forget set covers all ${train.labels.length} training samples of ${train.name}, so there is no retain set to reduce. Forget fewer samples.`);
  }
  const parts: Dataset[] = [residual];
  let provenance = new Map<number, Int32Array>();
  if (sample.freeClusters.length > 0) {
    const condensed = await condenseFree(sample.freeClusters, timer);
    parts.push(condensed.dataset);
    provenance = condensed.provenance;
  } else if (condenses) {
    timer.add('condensation', 0);
  }
  const dataset = concatDatasets(`${train.name}-reduced-retain`, parts);
  const blendedCount = sample.freeClusters.length;
  return {
    dataset: { ...dataset, split: 'reduced-retain' },
    provenance,
    sample,
    residualCount: residual.labels.length,
    blendedCount,
    retainCount: sample.retainCount,
    ratio: dataset.labels.length / sample.retainCount,
    timing: timer.record(),
  };
}

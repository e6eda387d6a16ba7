import { concatDatasets, subsetByIndex, type Dataset } from '../data/dataset';
import { PhaseTimer } from '../engine/timer';
import { blend, type BlendOptions } from './blend';
import { positionMap, positionsOfIds } from './cluster-weights';
import { fSample, type FSample } from './f-sampling';
import type { Partition } from './partition';

/** R_reduced = R_residual (raw) + Blend(R_free), with provenance. */
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
  /** Seconds in 'sampling' and 'condensation' (and 'kmeans' when the caller's timer also partitioned). */
  timing: Record<string, number>;
}

export type ReduceOptions = Omit<BlendOptions, 'timer' | 'ipc'> & { timer?: PhaseTimer };

/**
 * Builds the reduced retain set for one forget request (2025 paper Sec. 3.3): F-sampling, Blend of
 * the free clusters, union with the residual raw images. `train` must be the partitioned training set.
 */
export async function reduceRetainSet(train: Dataset, partition: Partition, forgetIds: Iterable<number>, o: ReduceOptions): Promise<ReducedRetainSet> {
  const forget = Array.from(forgetIds);
  if (forget.length === 0) throw new Error('reduceRetainSet: the forget set is empty. Pass the ids of at least one training sample to forget.');
  const timer = o.timer ?? new PhaseTimer();
  const { sample, residual } = timer.time('sampling', () => {
    const s = fSample(partition, forget);
    const pos = positionsOfIds(train, positionMap(train), s.residualIds);
    return { sample: s, residual: subsetByIndex(train, pos) };
  });
  if (sample.retainCount === 0) {
    throw new Error(`reduceRetainSet: the forget set covers all ${train.labels.length} training samples of ${train.name}, so there is no retain set to reduce. Forget fewer samples.`);
  }
  const parts: Dataset[] = [residual];
  let provenance = new Map<number, Int32Array>();
  if (sample.freeClusters.length > 0) {
    const condensed = await blend(train, sample.freeClusters, { ...o, ipc: partition.k, timer });
    parts.push(condensed.dataset);
    provenance = condensed.provenance;
  } else {
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

import type { Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import { PhaseTimer } from '../engine/timer';
import { partitionDataset, type Partition, type PartitionOptions } from './partition';
import { reduceRetainSet, type ReduceOptions, type ReducedRetainSet } from './reduced-retain';

export interface MultiRoundOptions {
  seed: number | string;
  /** Partition settings (k = clusters per class, features). */
  partition: Omit<PartitionOptions, 'seed' | 'timer'>;
  /** Blend settings for every round (seed is derived per round). */
  blend?: Omit<ReduceOptions, 'seed' | 'timer'>;
}

export interface RoundResult extends ReducedRetainSet {
  round: number;
  /** Cumulative forget ids up to and including this round. */
  forgetCount: number;
}

/**
 * Multi-round reduction (2025 paper Sec. 4.5, docs/reference/blend-a-amu.md#a11): k-means once, then for every round F-sampling
 * with the cumulative forget set and a new Blend with a fresh random extractor. Round 0's timing
 * includes the k-means time (as the reference adds it to round 0). Built with MultiRoundReducer.create
 * (the partition reads features from the device, which is asynchronous).
 */
export class MultiRoundReducer {
  private readonly forgotten = new Set<number>();
  private round = 0;

  private constructor(
    readonly train: Dataset,
    readonly o: MultiRoundOptions,
    private readonly rng: Rng,
    readonly partition: Partition,
    private kmeansSeconds: number,
  ) {}

  /** Partitions `train` once (k-means) for all the rounds to come. */
  static async create(train: Dataset, o: MultiRoundOptions): Promise<MultiRoundReducer> {
    const rng = new Rng(o.seed).fork('multi-round');
    const timer = new PhaseTimer();
    const partition = await partitionDataset(train, { ...o.partition, seed: rng.fork('partition').uint32(), timer });
    return new MultiRoundReducer(train, o, rng, partition, timer.seconds('kmeans'));
  }

  /** Adds this round's forget ids to the cumulative forget set and rebuilds the reduced retain set. */
  async next(newForgetIds: Iterable<number>): Promise<RoundResult> {
    const fresh = [...newForgetIds];
    if (fresh.length === 0) throw new Error(`MultiRoundReducer: round ${this.round} has no forget ids; pass the ids to forget this round.`);
    for (const id of fresh) {
      if (this.forgotten.has(id)) throw new Error(`MultiRoundReducer: id ${id} was already forgotten in an earlier round; pass only new ids.`);
    }
    const timer = new PhaseTimer();
    if (this.kmeansSeconds > 0) {
      timer.add('kmeans', this.kmeansSeconds);
      this.kmeansSeconds = 0;
    }
    const cumulative = [...this.forgotten, ...fresh];
    const res = await reduceRetainSet(this.train, this.partition, cumulative, {
      ...this.o.blend,
      seed: this.rng.fork(`round${this.round}`).uint32(),
      timer,
    });
    for (const id of fresh) this.forgotten.add(id);
    return { ...res, round: this.round++, forgetCount: this.forgotten.size };
  }
}

import { candidatePositions, checkFraction, idsAt, toRng, type ForgetSplit, type SeedLike, type SplitSource } from './common';

export interface InstanceSplitOptions {
  /** Number of random training instances to forget (SULI: 64, 128, 256 or 512). */
  count: number;
  seed: SeedLike;
  /**
   * Share of each class held out as the reference set before the forget draw (SULI: 0.01, giving
   * max(1, floor(0.01 * class size)) = 50 per CIFAR-10 class). 0 = no reference set.
   */
  referenceFraction?: number;
  within?: ArrayLike<number>;
}

/** An instance-wise forget request; `reference` is held out of both forget and retain. */
export interface InstanceSplit extends ForgetSplit {
  reference: Int32Array;
}

/**
 * SULI's instance-wise protocol: first a stratified reference set (per class, shuffle, take the first
 * max(1, floor(f * class size))), held out of training; then `count` instances drawn uniformly from
 * the rest; retain = the rest minus the forget set.
 */
export function instanceSplit(ds: SplitSource, opts: InstanceSplitOptions): InstanceSplit {
  const rng = toRng(opts.seed);
  const f = opts.referenceFraction ?? 0.01;
  if (f !== 0) checkFraction(`${ds.name} reference set`, f);
  const pool = candidatePositions(ds, opts.within);
  const reference: number[] = [];
  if (f > 0) {
    const refRng = rng.fork('reference');
    const byClass = new Map<number, number[]>();
    for (const p of pool) {
      const y = ds.labels[p];
      if (!byClass.has(y)) byClass.set(y, []);
      byClass.get(y)!.push(p);
    }
    for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
      const members = refRng.shuffle(byClass.get(y)!) as number[];
      reference.push(...members.slice(0, Math.max(1, Math.floor(f * members.length))));
    }
  }
  const held = new Set(reference);
  const rest = Array.from(pool).filter((p) => !held.has(p));
  const n = opts.count;
  if (!Number.isInteger(n) || n < 1 || n >= rest.length) {
    throw new Error(`${ds.name}/${ds.split}: cannot forget ${n} instances; choose an integer in 1..${rest.length - 1} (samples left after the reference set).`);
  }
  const forget = rng.fork('forget').sample(rest, n);
  const gone = new Set(forget);
  return {
    forget: idsAt(ds, forget),
    retain: idsAt(ds, rest.filter((p) => !gone.has(p))),
    reference: idsAt(ds, reference),
  };
}

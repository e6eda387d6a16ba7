import { candidatePositions, checkFraction, idsAt, toRng, type ForgetSplit, type SeedLike, type SplitSource } from './common';

export interface UniformSplitOptions {
  /** Share of the samples to forget, in (0, 1); DC_Unlearning and DC_U use 0.1. */
  fraction: number;
  seed: SeedLike;
  /** Restrict the draw to these ids (default: all samples). */
  within?: ArrayLike<number>;
}

/**
 * Uniform random forgetting as in DC_Unlearning/DC_U: permute the samples, forget the first floor(fraction * N),
 * retain the rest (CIFAR-10: 5000 / 45000 at 10 %). Not stratified.
 */
export function uniformSplit(ds: SplitSource, opts: UniformSplitOptions): ForgetSplit {
  checkFraction(`${ds.name} uniform split`, opts.fraction);
  const pool = candidatePositions(ds, opts.within);
  const order = toRng(opts.seed).shuffle(Int32Array.from(pool)) as Int32Array;
  const k = Math.floor(opts.fraction * order.length);
  if (k === 0) throw new Error(`${ds.name}: ${opts.fraction} of ${order.length} samples is less than one sample; use a larger fraction.`);
  return { forget: idsAt(ds, order.subarray(0, k)), retain: idsAt(ds, order.subarray(k)) };
}

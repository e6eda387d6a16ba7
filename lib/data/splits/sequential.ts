import { candidatePositions, checkFraction, idsAt, sortedIds, toRng, type ForgetSplit, type SeedLike, type SplitSource } from './common';

export interface SequentialSplitOptions {
  /** Number of forget requests (DC_Unlearning's multi-round runs: 3). */
  rounds: number;
  /** Share of the *current* retain set forgotten each round (DC_Unlearning: 0.1). */
  fraction: number;
  seed: SeedLike;
  within?: ArrayLike<number>;
}

/** One round of a sequential request: this round's new forget ids, what remains, and all forgotten so far. */
export interface SequentialRound extends ForgetSplit {
  round: number;
  cumulativeForget: Int32Array;
}

/**
 * DC_Unlearning's multi-round protocol (docs/reference/blend-a-amu.md#a11): one permutation; round 0 forgets its first floor(f * N) samples;
 * round r forgets the first floor(f * |R_{r-1}|) samples of the previous retain set in permuted order.
 * Each round's `forget` holds only the new samples; `cumulativeForget` is their union so far
 * (DC_U's cycle bug, which loses intermediate chunks, is not copied).
 */
export function sequentialSplits(ds: SplitSource, opts: SequentialSplitOptions): SequentialRound[] {
  checkFraction(`${ds.name} sequential split`, opts.fraction);
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1) throw new Error(`${ds.name}: rounds must be a positive integer, got ${opts.rounds}.`);
  const order = toRng(opts.seed).shuffle(Int32Array.from(candidatePositions(ds, opts.within))) as Int32Array;
  const out: SequentialRound[] = [];
  let start = 0;
  const forgotten: number[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    const k = Math.floor(opts.fraction * (order.length - start));
    if (k === 0) throw new Error(`${ds.name}: round ${r} would forget no sample (${order.length - start} left); use fewer rounds or a larger fraction.`);
    const fresh = order.subarray(start, start + k);
    start += k;
    for (const p of fresh) forgotten.push(ds.ids[p]);
    out.push({ round: r, forget: idsAt(ds, fresh), retain: idsAt(ds, order.subarray(start)), cumulativeForget: sortedIds(forgotten) });
  }
  return out;
}

import { candidatePositions, checkFraction, idsAt, toRng, type SeedLike, type SplitSource } from './common';

export interface TestPoolSplitOptions {
  /** Share of the test set in the pool (DC_Unlearning: 0.7). */
  poolFraction?: number;
  seed: SeedLike;
}

/** DC_Unlearning's test split: `pool` feeds A-AMU's class-restricted T-samples, `evaluation` is the reported test set. */
export interface TestPoolSplit {
  pool: Int32Array;
  evaluation: Int32Array;
}

/**
 * DC_Unlearning's `random_split(test, [0.7, 0.3])` (docs/reference/blend-a-amu.md#a1): not stratified; sizes as torch computes them for
 * fractions (floor of each share, then the leftover samples go one by one to the parts in order), so
 * CIFAR-10 gives 7000 / 3000 and SVHN 18,223 / 7,809; the pool is the first part of a seeded permutation.
 * (DC_Unlearning draws it from torch's unseeded start-up generator; here the seed is explicit.)
 */
export function testPoolSplit(ds: SplitSource, opts: TestPoolSplitOptions): TestPoolSplit {
  const f = opts.poolFraction ?? 0.7;
  checkFraction(`${ds.name} test pool split`, f);
  const order = toRng(opts.seed).shuffle(Int32Array.from(candidatePositions(ds))) as Int32Array;
  const n = order.length;
  const sizes = [Math.floor(n * f), Math.floor(n * (1 - f))];
  for (let i = 0; i < n - sizes[0] - sizes[1]; i++) sizes[i % 2]++;
  if (sizes[0] === 0 || sizes[1] === 0) throw new Error(`${ds.name}/${ds.split}: ${n} samples are too few to split ${f} / ${1 - f}.`);
  return { pool: idsAt(ds, order.subarray(0, sizes[0])), evaluation: idsAt(ds, order.subarray(sizes[0])) };
}

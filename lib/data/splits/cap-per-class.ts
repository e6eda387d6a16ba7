import { candidatePositions, idsAt, toRng, type SeedLike, type SplitSource } from './common';

export interface CapPerClassOptions {
  /** Most samples kept per class (DC_Unlearning SVHN and DC_U: 4500). */
  perClass: number;
  seed: SeedLike;
  within?: ArrayLike<number>;
}

/**
 * The first `perClass` samples of each class met in a seeded shuffled pass (DC_Unlearning's SVHN training set:
 * 4500 per class, 45,000 in all). Classes with fewer samples keep all of them. Returns the kept ids.
 */
export function capPerClass(ds: SplitSource, opts: CapPerClassOptions): Int32Array {
  if (!Number.isInteger(opts.perClass) || opts.perClass < 1) throw new Error(`${ds.name}: perClass must be a positive integer, got ${opts.perClass}.`);
  const order = toRng(opts.seed).shuffle(Int32Array.from(candidatePositions(ds, opts.within))) as Int32Array;
  const counts = new Map<number, number>();
  const kept: number[] = [];
  for (const p of order) {
    const c = counts.get(ds.labels[p]) ?? 0;
    if (c < opts.perClass) {
      kept.push(p);
      counts.set(ds.labels[p], c + 1);
    }
  }
  return idsAt(ds, kept);
}

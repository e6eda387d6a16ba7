import { idsAt, toRng, type ForgetSplit, type SeedLike, type SplitSource } from './common';

export interface MemorisedSplitOptions {
  /**
   * Scores of the samples at or below which a sample counts as memorised (the 2024 paper: its overfitting metric,
   * low = low loss and flat gradient, cut at Otsu's threshold; docs/reference/modular-2024.md#b8).
   */
  threshold: number;
  /**
   * 'intended': forget the samples scored at or below the threshold.
   * 'reference': the reference's double permutation: it scores samples already permuted, then maps the selected
   * positions through the permutation once more, so it forgets a set of the same size that is effectively random.
   */
  selection: 'intended' | 'reference';
  /** The permutation of 'reference' (unused by 'intended'). */
  seed?: SeedLike;
}

/** The memorised samples as a forget set: one score per sample of `ds`, in its order. */
export function memorisedSplit(ds: SplitSource, scores: ArrayLike<number>, o: MemorisedSplitOptions): ForgetSplit {
  const n = ds.ids.length;
  if (scores.length !== n) throw new Error(`${ds.name}/${ds.split}: ${scores.length} scores for ${n} samples; give one score per sample, in the dataset's order.`);
  if (!Number.isFinite(o.threshold)) throw new Error(`${ds.name}/${ds.split}: the memorisation threshold must be a finite number, got ${o.threshold}.`);
  const below: number[] = [];
  for (let i = 0; i < n; i++) if (scores[i] <= o.threshold) below.push(i);
  if (below.length === 0) throw new Error(`${ds.name}/${ds.split}: no sample scores <= ${o.threshold}; the threshold selects nothing to forget.`);
  if (below.length === n) throw new Error(`${ds.name}/${ds.split}: every sample scores <= ${o.threshold}; nothing would be retained.`);
  let positions = below;
  if (o.selection === 'reference') {
    if (o.seed === undefined) throw new Error(`${ds.name}/${ds.split}: the reference's selection needs a seed for its permutation.`);
    const perm = toRng(o.seed).permutation(n);
    positions = below.map((p) => perm[p]);
  }
  const chosen = new Set(positions);
  const rest: number[] = [];
  for (let i = 0; i < n; i++) if (!chosen.has(i)) rest.push(i);
  return { forget: idsAt(ds, positions), retain: idsAt(ds, rest) };
}

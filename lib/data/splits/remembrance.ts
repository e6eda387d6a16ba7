import { candidatePositions, idsAt, toRng, type SeedLike, type SplitSource } from './common';

export interface RemembranceSplitOptions {
  /** Images per class (the 2024 paper: 10; its remembrance-size study: 1, 10, 50). */
  ipc: number;
  /**
   * 'held-out' (default): ipc images per class drawn (seeded) from the split and removed from its
   * evaluation part, so the model is never evaluated on images it was trained on.
   * 'reference': the 2024 reference code's choice, the first ipc images of each class in file order, which
   * stay in the evaluation set (a leak: Final is trained on test images that are then scored).
   */
  source?: 'held-out' | 'reference';
  /** Seed of the held-out draw (unused by 'reference'). */
  seed?: SeedLike;
  /** Only these ids may be used (e.g. the evaluation part of an earlier split); default: every sample. */
  within?: ArrayLike<number>;
}

/** The remembrance set and what is left to evaluate on, as sorted sample ids. */
export interface RemembranceSplit {
  remembrance: Int32Array;
  evaluation: Int32Array;
  /** True when the remembrance images are also in `evaluation` (source 'reference'). */
  leaks: boolean;
}

/**
 * The 2024 paper's remembrance set (docs/reference/modular-2024.md#b1): ipc labelled images per class,
 * outside the training set, on which the modular method trains its Final part. Throws when a class has
 * fewer than ipc images.
 */
export function remembranceSplit(ds: SplitSource, opts: RemembranceSplitOptions): RemembranceSplit {
  const { ipc } = opts;
  const source = opts.source ?? 'held-out';
  if (!Number.isInteger(ipc) || ipc < 1) throw new Error(`${ds.name}/${ds.split} remembrance set: ipc must be a positive integer, got ${ipc}.`);
  if (source !== 'held-out' && source !== 'reference') throw new Error(`${ds.name}/${ds.split} remembrance set: source must be 'held-out' or 'reference', got ${JSON.stringify(source)}.`);
  if (source === 'held-out' && opts.seed === undefined) throw new Error(`${ds.name}/${ds.split} remembrance set: a held-out draw needs a seed.`);
  const candidates = candidatePositions(ds, opts.within);
  const order = source === 'reference' ? candidates : (toRng(opts.seed!).shuffle(Int32Array.from(candidates)) as Int32Array);
  const perClass = ds.classNames.map(() => [] as number[]);
  for (const p of order) if (perClass[ds.labels[p]].length < ipc) perClass[ds.labels[p]].push(p);
  const short = perClass.map((ps, c) => [c, ps.length] as const).filter(([, n]) => n < ipc);
  if (short.length > 0) {
    const list = short.map(([c, n]) => `${ds.classNames[c]} (${n})`).join(', ');
    throw new Error(`${ds.name}/${ds.split} remembrance set: ipc ${ipc} is more than these classes have: ${list}. Use ipc <= ${Math.min(...short.map(([, n]) => n))}.`);
  }
  const chosen = new Set(perClass.flat());
  const evaluation = source === 'reference' ? candidates : candidates.filter((p) => !chosen.has(p));
  return { remembrance: idsAt(ds, [...chosen]), evaluation: idsAt(ds, evaluation), leaks: source === 'reference' };
}

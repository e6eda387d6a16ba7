import { Rng } from '../../engine/rng';
import type { Dataset } from '../dataset';

/** What a split needs from a dataset: its sample ids, labels and class names. */
export type SplitSource = Pick<Dataset, 'name' | 'split' | 'ids' | 'labels' | 'classNames'>;

/** A forget request as sample-id sets (ids, not positions), both sorted ascending. */
export interface ForgetSplit {
  forget: Int32Array;
  retain: Int32Array;
}

/** A seed or an Rng; a seed gives a fresh Rng so the same seed always gives the same split. */
export type SeedLike = number | string | Rng;

export function toRng(seed: SeedLike): Rng {
  return seed instanceof Rng ? seed : new Rng(seed);
}

export function sortedIds(ids: Iterable<number>): Int32Array {
  return Int32Array.from(ids).sort();
}

export function checkFraction(what: string, fraction: number): void {
  if (!(typeof fraction === 'number' && fraction > 0 && fraction < 1)) {
    throw new Error(`${what}: fraction must be in (0, 1), got ${fraction}. E.g. 0.1 for 10 %.`);
  }
}

/**
 * The positions (in `ds`) of the samples a split may use: every sample, or those whose ids are in
 * `within` (e.g. the retain set of a previous split). Throws naming the first unknown id.
 */
export function candidatePositions(ds: SplitSource, within?: ArrayLike<number>): Int32Array {
  if (within === undefined) return Int32Array.from({ length: ds.ids.length }, (_, i) => i);
  const pos = new Map<number, number>();
  ds.ids.forEach((id, i) => pos.set(id, i));
  const out = new Int32Array(within.length);
  const seen = new Set<number>();
  for (let k = 0; k < within.length; k++) {
    const p = pos.get(within[k]);
    if (p === undefined) {
      throw new Error(`${ds.name}/${ds.split}: id ${within[k]} is not a sample id of this dataset (${ds.ids.length} samples). Pass ids from this split.`);
    }
    if (seen.has(p)) throw new Error(`${ds.name}/${ds.split}: id ${within[k]} appears twice in the ids to split.`);
    seen.add(p);
    out[k] = p;
  }
  return out.sort();
}

/** Ids of the given positions. */
export function idsAt(ds: SplitSource, positions: ArrayLike<number>): Int32Array {
  return sortedIds(Array.from(positions, (p) => ds.ids[p]));
}

/** Resolves class indices or names to indices; unknown ones give an error listing the classes. */
export function resolveClasses(ds: SplitSource, classes: (number | string)[]): number[] {
  if (classes.length === 0) throw new Error(`${ds.name}: give at least one class to forget.`);
  const list = ds.classNames.map((n, i) => `${i}=${n}`).join(', ');
  const out = classes.map((c) => {
    const k = typeof c === 'number' ? c : ds.classNames.indexOf(c);
    if (!Number.isInteger(k) || k < 0 || k >= ds.classNames.length) {
      throw new Error(`${ds.name}: unknown class ${JSON.stringify(c)}. Classes: ${list}.`);
    }
    return k;
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

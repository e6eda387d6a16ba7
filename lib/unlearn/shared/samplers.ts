import type { Dataset } from '../../data/dataset';
import type { Rng } from '../../engine/rng';

/**
 * Draws k distinct items from a fixed pool, uniformly, in O(k) per draw: a partial Fisher-Yates
 * shuffle of a private copy of the pool (any arrangement of the pool gives a uniform draw).
 */
export class SubsetSampler {
  private readonly pool: Int32Array;

  constructor(items: ArrayLike<number>) {
    this.pool = Int32Array.from(items);
  }

  get size(): number {
    return this.pool.length;
  }

  draw(k: number, rng: Rng): Int32Array {
    if (!Number.isInteger(k) || k < 0 || k > this.pool.length) {
      throw new Error(`SubsetSampler: cannot draw ${k} of ${this.pool.length} items without replacement.`);
    }
    const p = this.pool;
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rng.next() * (p.length - i));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p.slice(0, k);
  }
}

/**
 * Positions of a dataset grouped by class, built once, so class-restricted sampling costs O(k) per
 * draw instead of a scan of the whole dataset (the A-AMU reference scans its test pool every step).
 */
export class ClassIndex {
  private readonly byClass: Int32Array[];
  private readonly samplers = new Map<string, SubsetSampler>();

  constructor(readonly data: Dataset) {
    const lists: number[][] = data.classNames.map(() => []);
    data.labels.forEach((y, i) => lists[y].push(i));
    this.byClass = lists.map((l) => Int32Array.from(l));
  }

  /** Number of samples of each class. */
  counts(): number[] {
    return this.byClass.map((l) => l.length);
  }

  /** A sampler over the samples whose class is in `classes` (cached per class set). */
  samplerFor(classes: Iterable<number>): SubsetSampler {
    const sorted = [...new Set(classes)].sort((a, b) => a - b);
    const key = sorted.join(',');
    let s = this.samplers.get(key);
    if (s == null) {
      const parts = sorted.map((c) => this.byClass[c] ?? new Int32Array(0));
      const all = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      s = new SubsetSampler(all);
      this.samplers.set(key, s);
    }
    return s;
  }
}

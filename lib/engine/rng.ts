import seedrandom from 'seedrandom';

/**
 * Seeded random numbers (seedrandom's alea generator). One run seed drives everything: components
 * take independent streams with fork(label), so adding a random draw in one place does not shift
 * the draws of another.
 */
export class Rng {
  private readonly gen: seedrandom.PRNG;
  private spareNormal: number | null = null;

  constructor(readonly seed: number | string) {
    if (typeof seed === 'number' && !Number.isFinite(seed)) {
      throw new Error(`Rng seed must be a finite number or a string, got ${seed}.`);
    }
    this.gen = seedrandom.alea(String(seed));
  }

  /** A child generator whose stream depends only on this seed and the label. */
  fork(label: string | number): Rng {
    return new Rng(`${this.seed}/${label}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.gen();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int(n) needs a positive integer n, got ${n}.`);
    return Math.floor(this.gen() * n);
  }

  /** A 32-bit integer, for seeding other libraries. */
  uint32(): number {
    return this.gen.int32() >>> 0;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    if (this.spareNormal != null) {
      const s = this.spareNormal;
      this.spareNormal = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.gen();
    const v = this.gen();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(a: T[] | Int32Array | Uint32Array | Float32Array): typeof a {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.gen() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p) as Int32Array;
  }

  /** k distinct items drawn uniformly from `items` (order random). */
  sample<T>(items: ArrayLike<T>, k: number): T[] {
    if (!Number.isInteger(k) || k < 0 || k > items.length) {
      throw new Error(`Rng.sample: cannot draw ${k} of ${items.length} items without replacement.`);
    }
    const idx = Array.from({ length: items.length }, (_, i) => i);
    // Partial Fisher-Yates: only the first k positions are needed.
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.gen() * (idx.length - i));
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx.slice(0, k).map((i) => items[i]);
  }

  /** Float32Array of n uniform values in [lo, hi). */
  uniformArray(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.gen();
    return out;
  }

  /** Float32Array of n normal values with the given mean and std. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }
}

import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/engine/rng';
import {
  capPerClass,
  classSplit,
  instanceSplit,
  remembranceSplit,
  sequentialSplits,
  testPoolSplit,
  uniformSplit,
  type SplitSource,
} from '../../lib/data/splits';

/** n samples, 10 classes (label = position mod 10), ids offset by 1000 so ids differ from positions. */
function source(n: number, classes = 10): SplitSource {
  return {
    name: 'toy',
    split: 'train',
    ids: Int32Array.from({ length: n }, (_, i) => 1000 + i),
    labels: Int32Array.from({ length: n }, (_, i) => i % classes),
    classNames: Array.from({ length: classes }, (_, k) => `c${k}`),
  };
}

const arr = (a: Int32Array) => Array.from(a);
function disjointCover(parts: Int32Array[], all: Int32Array): void {
  const seen = parts.flatMap((p) => arr(p));
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.sort((a, b) => a - b)).toEqual(arr(all));
}

describe('forget/retain splits', () => {
  const ds = source(1000);

  it('uniform: floor(f N) random ids, seeded, disjoint, sorted', () => {
    const a = uniformSplit(ds, { fraction: 0.1, seed: 7 });
    expect(a.forget.length).toBe(100);
    expect(a.retain.length).toBe(900);
    disjointCover([a.forget, a.retain], ds.ids);
    expect(arr(a.forget)).toEqual(arr(a.forget).sort((x, y) => x - y));
    expect(arr(uniformSplit(ds, { fraction: 0.1, seed: 7 }).forget)).toEqual(arr(a.forget));
    expect(arr(uniformSplit(ds, { fraction: 0.1, seed: 8 }).forget)).not.toEqual(arr(a.forget));
    expect(arr(uniformSplit(ds, { fraction: 0.1, seed: new Rng(7) }).forget)).toEqual(arr(a.forget));
    // Not stratified: class counts vary.
    const counts = new Array(10).fill(0);
    for (const id of a.forget) counts[ds.labels[id - 1000]]++;
    expect(new Set(counts).size).toBeGreaterThan(1);
    const inner = uniformSplit(ds, { fraction: 0.5, seed: 1, within: a.retain });
    disjointCover([inner.forget, inner.retain], a.retain);
  });

  it('uniform: rejects fractions outside (0,1), empty draws and foreign ids', () => {
    for (const f of [0, 1, -0.1, 1.5, NaN]) expect(() => uniformSplit(ds, { fraction: f, seed: 1 })).toThrow(/fraction must be in \(0, 1\)/);
    expect(() => uniformSplit(ds, { fraction: 0.0001, seed: 1 })).toThrow(/less than one sample/);
    expect(() => uniformSplit(ds, { fraction: 0.1, seed: 1, within: [1000, 5] })).toThrow(/id 5 is not a sample id of this dataset/);
  });

  it('classwise: every sample of the named classes, by index or name', () => {
    const s = classSplit(ds, { classes: [1, 'c3'] });
    expect(s.forget.length).toBe(200);
    expect(arr(s.forget).every((id) => [1, 3].includes(ds.labels[id - 1000]))).toBe(true);
    disjointCover([s.forget, s.retain], ds.ids);
    expect(() => classSplit(ds, { classes: ['truck'] })).toThrow(/unknown class "truck". Classes: 0=c0, 1=c1/);
    expect(() => classSplit(ds, { classes: [10] })).toThrow(/unknown class 10/);
    expect(() => classSplit(ds, { classes: [] })).toThrow(/at least one class/);
    const noTwos = classSplit(ds, { classes: [2] }).retain;
    expect(() => classSplit(ds, { classes: [2], within: noTwos })).toThrow(/class\(es\) 2=c2 have no samples to forget/);
    expect(() => classSplit(source(20, 2), { classes: [0, 1] })).toThrow(/leaves no samples to retain/);
  });

  it('instances: SULI reference set (1 % per class, held out) then n random instances from the rest', () => {
    const big = source(5000);
    const s = instanceSplit(big, { count: 64, seed: 3 });
    expect(s.reference.length).toBe(50); // max(1, floor(0.01 * 500)) = 5 per class
    const refCounts = new Array(10).fill(0);
    for (const id of s.reference) refCounts[big.labels[id - 1000]]++;
    expect(refCounts).toEqual(new Array(10).fill(5));
    expect(s.forget.length).toBe(64);
    expect(s.retain.length).toBe(5000 - 50 - 64);
    disjointCover([s.reference, s.forget, s.retain], big.ids);
    expect(arr(instanceSplit(big, { count: 64, seed: 3 }).forget)).toEqual(arr(s.forget));
    // Tiny classes still give one reference sample each; no reference set on request.
    expect(instanceSplit(source(30), { count: 5, seed: 1 }).reference.length).toBe(10);
    expect(instanceSplit(big, { count: 5, seed: 1, referenceFraction: 0 }).reference.length).toBe(0);
    expect(() => instanceSplit(source(30), { count: 20, seed: 1 })).toThrow(/cannot forget 20 instances; choose an integer in 1..19/);
    expect(() => instanceSplit(big, { count: 1, seed: 1, referenceFraction: 2 })).toThrow(/fraction must be in \(0, 1\)/);
  });

  it('sequential rounds: each round draws from the previous retain set; cumulative sets grow', () => {
    const rounds = sequentialSplits(ds, { rounds: 3, fraction: 0.1, seed: 5 });
    expect(rounds.map((r) => r.forget.length)).toEqual([100, 90, 81]);
    expect(rounds.map((r) => r.retain.length)).toEqual([900, 810, 729]);
    for (let r = 1; r < 3; r++) {
      const prev = new Set(arr(rounds[r - 1].retain));
      expect(arr(rounds[r].forget).every((id) => prev.has(id))).toBe(true);
      disjointCover([rounds[r].forget, rounds[r].retain], rounds[r - 1].retain);
    }
    disjointCover([rounds[2].cumulativeForget, rounds[2].retain], ds.ids);
    expect(rounds[2].cumulativeForget.length).toBe(271);
    // Round 0 is the uniform split with the same seed.
    expect(arr(rounds[0].forget)).toEqual(arr(uniformSplit(ds, { fraction: 0.1, seed: 5 }).forget));
    expect(() => sequentialSplits(source(10), { rounds: 3, fraction: 0.1, seed: 1 })).toThrow(/round 1 would forget no sample \(9 left\)/);
    expect(() => sequentialSplits(ds, { rounds: 0, fraction: 0.1, seed: 1 })).toThrow(/rounds must be a positive integer/);
  });

  it('test pool / evaluation split: torch random_split sizes (70/30), seeded, not stratified', () => {
    const cifarTest = source(10000);
    const t = testPoolSplit(cifarTest, { seed: 2 });
    expect([t.pool.length, t.evaluation.length]).toEqual([7000, 3000]);
    disjointCover([t.pool, t.evaluation], cifarTest.ids);
    // SVHN test (26,032): floor(18222.4) = 18222 and floor(7809.6) = 7809, the leftover goes to the first part.
    const svhn = testPoolSplit(source(26032), { seed: 2 });
    expect([svhn.pool.length, svhn.evaluation.length]).toEqual([18223, 7809]);
    expect(arr(testPoolSplit(cifarTest, { seed: 2 }).pool)).toEqual(arr(t.pool));
    expect(() => testPoolSplit(cifarTest, { seed: 2, poolFraction: 1 })).toThrow(/fraction must be in \(0, 1\)/);
  });

  it('capPerClass: first k of each class in a seeded shuffled pass (DC_Unlearning SVHN: 4500 per class)', () => {
    const unbalanced: SplitSource = { ...source(100), labels: Int32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : 1 + (i % 2))) };
    const kept = capPerClass(unbalanced, { perClass: 10, seed: 4 });
    const counts = [0, 0, 0];
    for (const id of kept) counts[unbalanced.labels[id - 1000]]++;
    expect(counts).toEqual([10, 10, 10]);
    expect(arr(capPerClass(unbalanced, { perClass: 10, seed: 4 }))).toEqual(arr(kept));
    expect(capPerClass(unbalanced, { perClass: 20, seed: 4 }).length).toBe(20 + 15 + 15);
    expect(() => capPerClass(unbalanced, { perClass: 0, seed: 4 })).toThrow(/perClass must be a positive integer/);
  });

  it('remembrance: ipc per class held out of the evaluation set by default; the reference\'s first-ipc choice is flagged as leaking', () => {
    const held = remembranceSplit(ds, { ipc: 3, seed: 5 });
    expect(held.remembrance.length).toBe(30);
    expect(held.leaks).toBe(false);
    disjointCover([held.remembrance, held.evaluation], ds.ids);
    const labelOf = (id: number) => (id - 1000) % 10;
    for (let c = 0; c < 10; c++) expect(arr(held.remembrance).filter((id) => labelOf(id) === c).length).toBe(3);
    expect(arr(remembranceSplit(ds, { ipc: 3, seed: 5 }).remembrance)).toEqual(arr(held.remembrance));
    expect(arr(remembranceSplit(ds, { ipc: 3, seed: 6 }).remembrance)).not.toEqual(arr(held.remembrance));
    // The reference: the first 3 of each class in file order (positions 0-29), and they stay in the evaluation set.
    const ref = remembranceSplit(ds, { ipc: 3, source: 'reference' });
    expect(arr(ref.remembrance)).toEqual(Array.from({ length: 30 }, (_, i) => 1000 + i));
    expect(ref.leaks).toBe(true);
    expect(arr(ref.evaluation)).toEqual(arr(ds.ids));
    // Drawn within an earlier split's ids only.
    const pool = testPoolSplit(ds, { poolFraction: 0.7, seed: 1 });
    const inner = remembranceSplit(ds, { ipc: 2, seed: 1, within: pool.evaluation });
    disjointCover([inner.remembrance, inner.evaluation], pool.evaluation);
  });

  it('remembrance: rejects an ipc larger than a class, naming the class and the largest ipc possible', () => {
    const small = source(25);
    expect(() => remembranceSplit(small, { ipc: 3, seed: 1 })).toThrow(/ipc 3 is more than these classes have: c5 \(2\), c6 \(2\), c7 \(2\), c8 \(2\), c9 \(2\)\. Use ipc <= 2\./);
    expect(() => remembranceSplit(small, { ipc: 0, seed: 1 })).toThrow(/ipc must be a positive integer, got 0/);
    expect(() => remembranceSplit(small, { ipc: 1 })).toThrow(/a held-out draw needs a seed/);
  });
});

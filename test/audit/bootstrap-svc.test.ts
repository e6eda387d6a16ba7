import { describe, expect, it } from 'vitest';
import { bootstrapCi, formatBootstrapCi } from '../../lib/audit/bootstrap';
import { svcMiaEfficacy, svcShadowRetainPositions } from '../../lib/audit/svc-mia';
import { Rng } from '../../lib/engine/rng';

const normals = (n: number, mu: number, sd: number, seed: string) => {
  const r = new Rng(seed);
  return Float64Array.from({ length: n }, () => mu + sd * r.normal());
};
const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

describe('stratified bootstrap CI', () => {
  it('the 95% interval of a mean has the width of 1.96 standard errors and brackets the estimate', () => {
    const x = normals(400, 3, 2, 'x');
    const c = bootstrapCi([x.length], (pos) => mean(pos == null ? x : Array.from(pos[0], (i) => x[i])), { resamples: 1000, seed: 7 });
    expect(c.estimate).toBeCloseTo(mean(x), 12);
    expect(c.low).toBeLessThan(c.estimate);
    expect(c.high).toBeGreaterThan(c.estimate);
    const se = 2 / Math.sqrt(400);
    expect((c.high - c.low) / (2 * 1.96 * se)).toBeGreaterThan(0.85);
    expect((c.high - c.low) / (2 * 1.96 * se)).toBeLessThan(1.15);
    expect(c.low).toBeLessThan(3);
    expect(c.high).toBeGreaterThan(3);
  });

  it('resamples each group to its own size, independently, and is reproducible from its seed', () => {
    const seen: number[][] = [];
    const stat = (pos: Int32Array[] | null) => {
      if (pos) {
        seen.push(pos.map((p) => p.length));
        expect(Math.max(...pos[1])).toBeLessThan(3);
      }
      return pos == null ? 0 : pos[0][0] + 10 * pos[1][0];
    };
    const a = bootstrapCi([50, 3], stat, { resamples: 20, seed: 1 });
    expect(seen.every(([n0, n1]) => n0 === 50 && n1 === 3)).toBe(true);
    expect(bootstrapCi([50, 3], stat, { resamples: 20, seed: 1 })).toEqual(a);
    expect(bootstrapCi([50, 3], stat, { resamples: 20, seed: 2 })).not.toEqual(a);
    expect(formatBootstrapCi({ estimate: 59.21, low: 55.04, high: 63.1, level: 0.95, resamples: 20 })).toBe('59.2 [55.0, 63.1]');
    expect(() => bootstrapCi([0], () => 0)).toThrow(/group 0 has 0 samples/);
    expect(() => bootstrapCi([3], () => 0, { resamples: 1 })).toThrow(/resamples must be an integer >= 2/);
  });
});

describe("SalUn's SVC attack (libsvm)", () => {
  // Members (retain) are confident, non-members (test) are not.
  const members = normals(200, 0.9, 0.05, 'm');
  const nonMembers = normals(200, 0.5, 0.1, 'n');

  it('calls forget samples that look like test data non-members, and ones that look like training data members', () => {
    expect(svcMiaEfficacy(members, nonMembers, normals(100, 0.5, 0.1, 'f1'))).toBeGreaterThan(0.9);
    expect(svcMiaEfficacy(members, nonMembers, normals(100, 0.9, 0.05, 'f2'))).toBeLessThan(0.1);
    // Half and half: about half called unseen.
    const mixed = Float64Array.from([...normals(50, 0.5, 0.1, 'f3'), ...normals(50, 0.9, 0.05, 'f4')]);
    expect(svcMiaEfficacy(members, nonMembers, mixed)).toBeGreaterThan(0.35);
    expect(svcMiaEfficacy(members, nonMembers, mixed)).toBeLessThan(0.65);
  });

  it('the RBF kernel learns a non-monotone rule that a threshold cannot (members in the middle)', () => {
    const mid = normals(200, 0.5, 0.05, 'mid');
    const sides = Float64Array.from([...normals(100, 0.1, 0.05, 'lo'), ...normals(100, 0.9, 0.05, 'hi')]);
    expect(svcMiaEfficacy(mid, sides, normals(50, 0.5, 0.05, 't1'))).toBeLessThan(0.1);
    expect(svcMiaEfficacy(mid, sides, normals(50, 0.1, 0.05, 't2'))).toBeGreaterThan(0.9);
  });

  it('draws |test| retain samples (fewer when the retain set is smaller) and rejects non-finite features', () => {
    const p = svcShadowRetainPositions(100, 30, 's');
    expect(new Set(p).size).toBe(30);
    expect(svcShadowRetainPositions(10, 30, 's')).toHaveLength(10);
    expect(() => svcMiaEfficacy([1, NaN], [0], [0])).toThrow(/members \(retain feature values\)\[1\] is NaN/);
  });
});

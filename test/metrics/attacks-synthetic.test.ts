import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/engine/rng';
import { liraScores, type LiraShadows } from '../../lib/metrics/lira';
import { blendMiaScore } from '../../lib/metrics/mia-blend-logit-auc';
import { LOSS_MIA_PRESETS, lossLogisticMia } from '../../lib/metrics/mia-loss-logistic';
import { auc, rocCurve, tprAtFpr } from '../../lib/metrics/roc';
import type { ScoredSet } from '../../lib/metrics/attack-data';

function sampleSet(rng: Rng, n: number, shift: number, classes = 10): ScoredSet {
  return {
    values: Float64Array.from({ length: n }, () => rng.normal() + shift),
    classes: Int32Array.from({ length: n }, () => rng.int(classes)),
  };
}

describe('attacks on synthetic features', () => {
  it('blend MIA score: about 50 on identical distributions, near 100 on separated ones', () => {
    const rng = new Rng(11);
    const same = blendMiaScore(sampleSet(rng, 2000, 0), sampleSet(rng, 2000, 0));
    expect(same.score).toBeGreaterThan(44);
    expect(same.score).toBeLessThan(56);
    const far = blendMiaScore(sampleSet(rng, 1000, 4), sampleSet(rng, 1000, 0));
    expect(far.score).toBeGreaterThan(99);
    expect(far.perSide).toBe(1000);
  });

  it('blend MIA score: class filter, equal sizes and the swap rule', () => {
    const rng = new Rng(12);
    // forget only of class 3; test has 10 classes -> ~10 % kept
    const forget: ScoredSet = { values: Float64Array.from({ length: 500 }, () => rng.normal() + 4), classes: new Int32Array(500).fill(3) };
    const r = blendMiaScore(forget, sampleSet(rng, 2000, 0));
    expect(r.perSide).toBeGreaterThan(150);
    expect(r.perSide).toBeLessThan(250);
    // Identical sets give CV AUCs around 50; a threshold of 100 forces the swapped recomputation.
    const inner = sampleSet(rng, 300, 0);
    const outer = sampleSet(rng, 300, 0);
    const s = blendMiaScore(inner, outer, { swapThreshold: 100 });
    expect(s.scoreSwapped).toBeDefined();
    expect(s.scoreSwapped).not.toBe(s.scoreForward); // a different draw of subsets and folds
    expect(s.score).toBe(Math.max(s.scoreForward, s.scoreSwapped!));
    const noSwap = blendMiaScore(inner, outer, { swapThreshold: -Infinity });
    expect(noSwap.scoreSwapped).toBeUndefined();
    expect(noSwap.score).toBe(noSwap.scoreForward);
  });

  it('loss logistic attack (all presets): about 0.5 on identical, near 1 on separated distributions', () => {
    const rng = new Rng(13);
    for (const preset of Object.values(LOSS_MIA_PRESETS)) {
      const same = lossLogisticMia(sampleSet(rng, 2000, 2), sampleSet(rng, 2000, 2), preset);
      expect(same.accuracy).toBeGreaterThan(0.44);
      expect(same.accuracy).toBeLessThan(0.56);
      const sep = lossLogisticMia(sampleSet(rng, 1000, 0), sampleSet(rng, 1000, 5), preset);
      expect(sep.accuracy).toBeGreaterThan(0.97);
    }
    const kfold = lossLogisticMia(sampleSet(rng, 300, 0), sampleSet(rng, 500, 1), LOSS_MIA_PRESETS.suli);
    expect(kfold.perSplit.length).toBe(10);
    expect(kfold.perSide).toBe(300);
  });

  it('LiRA scoring: chance when IN and OUT behave alike, near-perfect when members stand out', () => {
    const rng = new Rng(14);
    const n = 400;
    const S = 16;
    const offset = Float64Array.from({ length: n }, () => 3 * rng.normal()); // per-example difficulty
    const make = (gap: number): LiraShadows => {
      const inMask = Array.from({ length: S }, () => new Uint8Array(n));
      for (let i = 0; i < n; i++) for (const s of rng.permutation(S).subarray(0, S / 2)) inMask[s][i] = 1;
      const phi = inMask.map((m) => Float64Array.from({ length: n }, (_, i) => offset[i] + gap * m[i] + 0.5 * rng.normal()));
      return { phi, inMask, populationSize: n, seconds: 0 };
    };
    const member = Int32Array.from({ length: n }, (_, i) => i % 2);
    for (const variant of ['online', 'offline'] as const) {
      const sep = make(3);
      const targetSep = Float64Array.from({ length: n }, (_, i) => offset[i] + 3 * member[i] + 0.5 * rng.normal());
      const rSep = rocCurve(liraScores(sep, targetSep, { variant }), member);
      expect(rSep.auc).toBeGreaterThan(0.98);
      expect(tprAtFpr(rSep, 0.01)).toBeGreaterThan(0.5);
      const same = make(0);
      const targetSame = Float64Array.from({ length: n }, (_, i) => offset[i] + 0.5 * rng.normal());
      const a = auc(liraScores(same, targetSame, { variant }), member);
      expect(a).toBeGreaterThan(0.42);
      expect(a).toBeLessThan(0.58);
    }
  });

  it('wrong inputs get clear errors', () => {
    const rng = new Rng(15);
    const ok = sampleSet(rng, 50, 0);
    expect(() => blendMiaScore({ values: [], classes: [] }, ok)).toThrow(/forget.values is empty/);
    expect(() => blendMiaScore({ values: [1, 2], classes: [1] }, ok)).toThrow(/forget.values has 2 entries but forget.classes has 1/);
    expect(() => blendMiaScore({ values: [1, NaN], classes: [1, 1] }, ok)).toThrow(/forget.values\[1\] is NaN/);
    expect(() => blendMiaScore({ values: [1, 2, 3, 4, 5, 6], classes: new Int32Array(6).fill(99) }, ok)).toThrow(/only 0 samples per side after class filtering/);
    expect(() => lossLogisticMia({ values: [1, NaN], classes: [0, 0] }, ok, LOSS_MIA_PRESETS.suli)).toThrow(/forgetLosses.values\[1\] is NaN/);
    expect(() => lossLogisticMia({ values: [1, 2, 3], classes: [0, 0, 0] }, ok, LOSS_MIA_PRESETS.suli)).toThrow(/only 3 samples per side/);
    const shadows: LiraShadows = { phi: [new Float64Array(3), new Float64Array(3)], inMask: [new Uint8Array([1, 1, 1]), new Uint8Array(3)], populationSize: 3, seconds: 0 };
    expect(() => liraScores(shadows, [1, 2], { variant: 'online' })).toThrow(/targetPhi has 2 values but the shadows cover 3/);
    expect(() => liraScores({ ...shadows, inMask: [new Uint8Array([1, 1, 1]), new Uint8Array([1, 0, 0])] }, [1, 2, 3], { variant: 'offline' })).toThrow(/example 0 has 2 IN and 0 OUT/);
  });
});

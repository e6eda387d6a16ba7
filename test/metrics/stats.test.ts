import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/engine/rng';
import { logitConfidence } from '../../lib/metrics/confidence';
import { stratifiedKFold, stratifiedShuffleSplit } from '../../lib/metrics/cross-validation';
import { fitLogisticRegression, predictProba, thresholdAccuracy } from '../../lib/metrics/logistic-regression';
import { indiscernibility, rbe, rte } from '../../lib/metrics/ranking';
import { auc, rocCurve, tprAtFpr } from '../../lib/metrics/roc';

describe('ROC / AUC', () => {
  it('matches hand-computed cases, with ties counted as one half', () => {
    expect(auc([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(auc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
    // pairs (pos, neg): (0.8>0.3) (0.8>0.5) (0.4>0.3) (0.4<0.5) -> 3/4
    expect(auc([0.8, 0.4, 0.3, 0.5], [1, 1, 0, 0])).toBeCloseTo(0.75, 12);
    // all tied -> 0.5; one tie among 4 pairs -> (3 + 0.5)/4
    expect(auc([1, 1, 1, 1], [1, 0, 1, 0])).toBeCloseTo(0.5, 12);
    expect(auc([0.7, 0.5, 0.5, 0.2], [1, 1, 0, 0])).toBeCloseTo(0.875, 12);
    const r = rocCurve([0.7, 0.5, 0.5, 0.2], [1, 1, 0, 0]);
    expect(r.fpr).toEqual([0, 0, 0.5, 1]);
    expect(r.tpr).toEqual([0, 0.5, 1, 1]);
    expect(tprAtFpr(r, 0)).toBe(0.5);
    expect(tprAtFpr(r, 0.5)).toBe(1);
  });

  it('rejects wrong inputs clearly', () => {
    expect(() => auc([], [])).toThrow(/scores is empty/);
    expect(() => auc([1, 2], [1])).toThrow(/2 entries but labels has 1/);
    expect(() => auc([1, 2], [1, 1])).toThrow(/only one class present/);
    expect(() => auc([1, NaN], [1, 0])).toThrow(/scores\[1\] is NaN/);
    expect(() => auc([1, 2], [1, 2])).toThrow(/labels must be 0 or 1/);
  });
});

describe('logistic regression (Newton, sklearn defaults)', () => {
  it('reaches the optimum of the L2-penalised log-likelihood (zero gradient)', () => {
    const rng = new Rng(1);
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 10000; i++) {
      const c = i % 2;
      X.push([c + 1.5 * (rng.next() * 2 - 1) + 3]);
      y.push(c);
    }
    const t0 = Date.now();
    const m = fitLogisticRegression(X, y);
    const ms = Date.now() - t0;
    expect(m.converged).toBe(true);
    expect(ms).toBeLessThan(1000);
    // gradient of 0.5 w^2 + sum logloss: w + sum (p - y) x = 0 and sum (p - y) = 0
    const p = predictProba(m, X);
    let gw = m.weights[0];
    let gb = 0;
    for (let i = 0; i < y.length; i++) {
      gw += (p[i] - y[i]) * X[i][0];
      gb += p[i] - y[i];
    }
    expect(Math.abs(gw)).toBeLessThan(1e-6);
    expect(Math.abs(gb)).toBeLessThan(1e-6);
    expect(m.weights[0]).toBeGreaterThan(0.5);
  });

  it('stays finite on perfectly separated data and rejects bad input', () => {
    const m = fitLogisticRegression([[0], [1], [2], [3]], [0, 0, 1, 1]);
    expect(Number.isFinite(m.weights[0]) && Number.isFinite(m.intercept)).toBe(true);
    expect(Array.from(predictProba(m, [[0], [3]]), (v) => Math.round(v))).toEqual([0, 1]);
    expect(() => fitLogisticRegression([[1], [2]], [1, 1])).toThrow(/only one class/);
    expect(() => fitLogisticRegression([[1], [NaN]], [0, 1])).toThrow(/X\[1\]\[0\] is NaN/);
    expect(() => fitLogisticRegression([[1], [2, 3]], [0, 1])).toThrow(/row 1 of X has 2 features/);
    expect(() => fitLogisticRegression([], [])).toThrow(/X is empty/);
  });
});

describe('cross-validation splits', () => {
  it('k-fold covers every sample once and keeps class ratios; shuffle-split holds out 10 % per class', () => {
    const labels = [...Array(30).fill(0), ...Array(20).fill(1)];
    const folds = stratifiedKFold(labels, 5, new Rng(0));
    const seen = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const f of folds) {
      expect(f.test.filter((i) => labels[i] === 1).length).toBe(4);
      expect(f.train.length + f.test.length).toBe(50);
    }
    const ss = stratifiedShuffleSplit(labels, 3, 0.1, new Rng(0));
    for (const s of ss) expect(s.test.filter((i) => labels[i] === 0).length).toBe(3);
    expect(() => stratifiedKFold([0, 0, 1], 2, new Rng(0))).toThrow(/class 1 has 1 samples, fewer than k = 2/);
  });
});

describe('logit-confidence', () => {
  it('equals log(p_y / (1 - p_y)) and stays finite for extreme logits', () => {
    const logits = [2, 0.5, -1, 0, 0, 0];
    const phi = logitConfidence(logits, [0, 2], 3);
    const p0 = Math.exp(2) / (Math.exp(2) + Math.exp(0.5) + Math.exp(-1));
    expect(phi[0]).toBeCloseTo(Math.log(p0 / (1 - p0)), 12);
    expect(phi[1]).toBeCloseTo(Math.log(1 / 2), 12);
    const big = logitConfidence([1000, 0, -1000], [0], 3);
    expect(big[0]).toBeCloseTo(1000, 6);
    const clamped = logitConfidence([1000, 0, -1000], [0], 3, { referenceClamp: true });
    expect(clamped[0]).toBeCloseTo(-Math.log(1e-15), 6); // reference: CE clamped at 50, log floored at 1e-15
    expect(() => logitConfidence([1, 2], [0, 1], 2)).toThrow(/logits has 2 values but labels has 2 entries x 2 classes/);
    expect(() => logitConfidence([1, NaN], [0], 2)).toThrow(/NaN/);
    expect(() => logitConfidence([1, 2], [5], 2)).toThrow(/not a class index/);
  });
});

describe('rankings and aggregation', () => {
  it('RBE, RTE, indiscernibility on hand-computed cases', () => {
    const r = rbe({
      a: { RA: 90, FA: 10, MIA: 50, UT: 10 },
      b: { RA: 80, FA: 30, MIA: 60, UT: 20 },
      c: { RA: 85, FA: 20, MIA: 45, UT: 30 },
    });
    // a best everywhere -> 0; b: RA 1, FA 1, MIA 1, UT 0.5 -> (1 + 0.5 + 1 + 0.5) / 3.5; c: RA .5, FA .5, MIA .5, UT 1
    expect(r.a).toBeCloseTo(0, 12);
    expect(r.b).toBeCloseTo(3 / 3.5, 12);
    expect(r.c).toBeCloseTo((0.5 + 0.25 + 0.5 + 1) / 3.5, 12);
    expect(() => rbe({ a: { RA: 1, FA: 1, MIA: NaN, UT: 1 } })).toThrow(/values\['a'\]\['MIA'\] is NaN/);
    expect(rte(100, 25)).toBe(4);
    expect(() => rte(100, 0)).toThrow(/positive seconds/);
    expect(indiscernibility(0.5)).toBe(1);
    expect(indiscernibility(0.75)).toBeCloseTo(0.5, 12);
    expect(indiscernibility(0)).toBe(0);
    expect(() => indiscernibility(57)).toThrow(/divide a percent by 100/);
  });

  it('attack accuracy thresholds P(member) at 0.5', () => {
    expect(thresholdAccuracy([0.9, 0.5, 0.49, 0.1], [1, 1, 1, 0])).toBe(0.75);
    expect(() => thresholdAccuracy([0.9], [1, 0])).toThrow(/1 probabilities and 2 labels/);
    expect(() => thresholdAccuracy([], [])).toThrow(/at least one/);
  });
});

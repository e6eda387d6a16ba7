import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import type { ScoredSet } from '../../lib/metrics/attack-data';
import { neuralLossMia } from '../../lib/metrics/mia-neural-loss';

const set = (values: number[]): ScoredSet => ({ values: Float64Array.from(values), classes: new Int32Array(values.length) });
const draw = (n: number, f: () => number) => Array.from({ length: n }, f);
const FAST = { epochs: 60, batchSize: 100 };

describe('neural attack on losses (TF Privacy MLP attack)', () => {
  beforeAll(async () => {
    await init({ log: false });
  });

  it('separates members with near-zero loss from non-members, and is at chance on one distribution', async () => {
    const rng = new Rng(1);
    const members = set(draw(400, () => Math.abs(rng.normal()) * 0.02));
    const nonMembers = set(draw(400, () => 1 + Math.abs(rng.normal())));
    const far = await neuralLossMia(members, nonMembers, { ...FAST, seed: 0 });
    expect(far.auc).toBeGreaterThan(0.97);
    expect(far.advantage).toBeGreaterThan(0.9);
    expect(far.perSide).toBe(400);
    expect(far.heldOut).toBe(200);
    const same = await neuralLossMia(set(draw(400, () => Math.abs(rng.normal()))), set(draw(400, () => Math.abs(rng.normal()))), { ...FAST, seed: 0 });
    expect(Math.abs(same.auc - 0.5)).toBeLessThan(0.1);
  });

  it('learns a non-monotone rule a single loss threshold cannot (members in a band, non-members on both sides)', async () => {
    const rng = new Rng(2);
    const members = set(draw(500, () => 1 + 0.1 * rng.normal()));
    const nonMembers = set(draw(500, () => (rng.next() < 0.5 ? 0.2 : 2) + 0.1 * rng.normal()));
    const r = await neuralLossMia(members, nonMembers, { epochs: 100, batchSize: 100, lr: 2e-2, seed: 0 });
    // A threshold on the loss reaches AUC about 0.5 here (the band sits between the two halves).
    expect(r.auc).toBeGreaterThan(0.9);
  });

  it('is deterministic for a seed, balances the sides, and leaks no tensors', async () => {
    const rng = new Rng(3);
    const members = set(draw(300, () => Math.abs(rng.normal()) * 0.5));
    const nonMembers = set(draw(120, () => Math.abs(rng.normal())));
    const before = tf.memory().numTensors;
    const a = await neuralLossMia(members, nonMembers, { ...FAST, seed: 5 });
    const b = await neuralLossMia(members, nonMembers, { ...FAST, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toEqual(b);
    expect(a.perSide).toBe(120);
  });

  it('rejects bad input with a clear error', async () => {
    await expect(neuralLossMia(set([0.1, 0.2]), set([1, 2, 3, 4, 5, 6, 7, 8]))).rejects.toThrow(/only 2 samples on the smaller side .* need at least 8 each/);
    await expect(neuralLossMia(set(Array(10).fill(0.1)), set(Array(10).fill(1)), { testFraction: 1 })).rejects.toThrow(/testFraction must be in \(0, 1\), got 1/);
    await expect(neuralLossMia(set([NaN, ...Array(9).fill(0.1)]), set(Array(10).fill(1)))).rejects.toThrow(/members/);
  });
});

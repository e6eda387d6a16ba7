import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import type { Classifier } from '../../lib/models/classifier';
import { createModel } from '../../lib/models/registry';
import { fit } from '../../lib/train/fit';
import { confidenceOf } from '../../lib/metrics/confidence';
import { accuracy } from '../../lib/train/evaluate';
import { predict } from '../../lib/train/evaluate';
import { liraAttack, trainLiraShadows } from '../../lib/metrics/lira';
import { blendMiaScore, blendMiaScoreOfModel } from '../../lib/metrics/mia-blend-logit-auc';
import { LOSS_MIA_PRESETS, lossLogisticMiaOfModel } from '../../lib/metrics/mia-loss-logistic';
import { applyShadowAttack, trainShadowAttack } from '../../lib/metrics/mia-shadow';
import { overfittingScores } from '../../lib/metrics/overfitting-metric';
import { unlearningMetric } from '../../lib/metrics/unlearning-metric';

// A small MLP that memorises its training images (no regularisation, many epochs).
async function trainMlp(ds: Dataset, seed: number): Promise<Classifier> {
  const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed, options: { hidden: [64] } });
  await fit(model, ds, { epochs: 25, batchSize: 50, lr: 2e-3, optimizer: { kind: 'adam' }, seed });
  return model;
}

describe('membership attacks on a model that memorised 500 Fashion-MNIST images', () => {
  let population: Dataset; // 1000 images: the target trained on the first 500
  let outside: Dataset; // 1000 other images, never in the population
  let members: Dataset;
  let nonMembers: Dataset;
  let target: Classifier;
  let unrelated: Classifier; // trained on 500 outside images: no population example is its member
  const isMember = Int32Array.from({ length: 1000 }, (_, i) => (i < 500 ? 1 : 0));

  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    const all = loadFashionMnist('train');
    const perm = new Rng(21).permutation(all.labels.length);
    population = subsetByIndex(all, perm.subarray(0, 1000));
    outside = subsetByIndex(all, perm.subarray(1000, 2000));
    members = subsetByIndex(population, Int32Array.from({ length: 500 }, (_, i) => i));
    nonMembers = subsetByIndex(population, Int32Array.from({ length: 500 }, (_, i) => 500 + i));
    target = await trainMlp(members, 1);
    unrelated = await trainMlp(subsetByIndex(outside, Int32Array.from({ length: 500 }, (_, i) => i)), 2);
  });

  it('the target memorised its members', async () => {
    expect(await accuracy(target, members)).toBeGreaterThan(0.97);
    expect(await accuracy(target, nonMembers)).toBeLessThan(0.85);
  });

  it('blend logit-confidence score and loss attack flag members, not held-out data', async () => {
    // Two disjoint sets the target never saw.
    const heldA = nonMembers;
    const heldB = subsetByIndex(outside, Int32Array.from({ length: 500 }, (_, i) => 500 + i));
    const flagged = await blendMiaScoreOfModel(target, members, nonMembers);
    const held = await blendMiaScoreOfModel(target, heldA, heldB);
    const pm = await predict(target, members);
    const pn = await predict(target, nonMembers);
    const unclamped = blendMiaScore({ values: confidenceOf(pm), classes: pm.labels }, { values: confidenceOf(pn), classes: pn.labels });
    console.log(`blend score: members vs held-out ${flagged.score.toFixed(1)} (unclamped phi ${unclamped.score.toFixed(1)}), held-out vs held-out ${held.score.toFixed(1)}`);
    expect(flagged.score).toBeGreaterThan(57);
    expect(held.score).toBeGreaterThan(40);
    expect(held.score).toBeLessThan(56);
    const loss = await lossLogisticMiaOfModel(target, members, nonMembers, LOSS_MIA_PRESETS.suli);
    const lossHeld = await lossLogisticMiaOfModel(target, heldA, heldB, LOSS_MIA_PRESETS.suli);
    console.log(`loss attack accuracy: members ${loss.accuracy.toFixed(3)}, held-out ${lossHeld.accuracy.toFixed(3)}`);
    expect(loss.accuracy).toBeGreaterThan(0.6);
    expect(lossHeld.accuracy).toBeLessThan(0.6);
  });

  it('real LiRA (8 MLP shadows) flags members above chance, and not for a model that never saw them', async () => {
    const before = tf.memory().numTensors;
    const shadows = await trainLiraShadows(population, trainMlp, { numShadows: 8, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    console.log(`LiRA: 8 MLP shadows on 8 x 500 of 1000 images: ${shadows.seconds.toFixed(1)} s`);
    for (const variant of ['online', 'offline'] as const) {
      const r = await liraAttack(shadows, target, population, isMember, { variant });
      const h = await liraAttack(shadows, unrelated, population, isMember, { variant });
      console.log(`LiRA ${variant}: AUC ${r.auc.toFixed(3)}, TPR@1%FPR ${r.tprAt1pctFpr.toFixed(3)}, TPR@0.1%FPR ${r.tprAt0_1pctFpr.toFixed(3)}; unrelated model AUC ${h.auc.toFixed(3)}, TPR@1% ${h.tprAt1pctFpr.toFixed(3)}`);
      expect(r.auc).toBeGreaterThan(0.65);
      expect(r.tprAt1pctFpr).toBeGreaterThan(0.03);
      expect(h.auc).toBeGreaterThan(0.4);
      expect(h.auc).toBeLessThan(0.6);
    }
  });

  it('shadow-model attack (2024 paper) flags members above chance, not for an unrelated model', async () => {
    const attack = await trainShadowAttack(outside, trainMlp, { numShadows: 2, seed: 6 });
    const r = await applyShadowAttack(attack, target, members, nonMembers);
    const h = await applyShadowAttack(attack, unrelated, members, nonMembers);
    console.log(`shadow attack: ${attack.seconds.toFixed(1)} s, target acc ${r.accuracy.toFixed(3)} AUC ${r.auc.toFixed(3)}; unrelated acc ${h.accuracy.toFixed(3)} AUC ${h.auc.toFixed(3)}`);
    expect(r.accuracy).toBeGreaterThan(0.58);
    expect(r.auc).toBeGreaterThan(0.6);
    expect(h.auc).toBeGreaterThan(0.4);
    expect(h.auc).toBeLessThan(0.6);
  });

  it('overfitting metric is smaller on members; unlearning metric is finite and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    const first = Int32Array.from({ length: 40 }, (_, i) => i);
    const oIn = await overfittingScores(target, subsetByIndex(members, first));
    const oOut = await overfittingScores(target, subsetByIndex(nonMembers, first));
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(oIn)).toBeLessThan(mean(oOut));
    const forget = subsetByIndex(members, Int32Array.from({ length: 100 }, (_, i) => i));
    const retain = subsetByIndex(members, Int32Array.from({ length: 400 }, (_, i) => 100 + i));
    const u = await unlearningMetric(target, forget, retain);
    expect(u).toBeGreaterThan(0);
    expect(u).toBeLessThan(200);
    // Identical data: cos = 1 on every row except all-zero gradient rows (dead ReLU units), which
    // count as distance 1 as in torch's cosine_similarity; so much smaller, but not 0.
    expect(await unlearningMetric(target, forget, forget)).toBeLessThan(u);
    expect(tf.memory().numTensors).toBe(before);
    const noClass = subsetByIndex(retain, Array.from(retain.labels.keys()).filter((i) => retain.labels[i] !== forget.labels[0]));
    await expect(unlearningMetric(target, forget, noClass)).rejects.toThrow(/retain set has no samples of forget class/);
  });
});

import { size, subsetByIndex, type Dataset } from '../data/dataset';
import { Rng } from '../engine/rng';
import type { Classifier } from '../models/classifier';
import { predict, type Predictions } from '../train/evaluate';
import { confidenceOf, softmaxStats } from './confidence';
import { fitLogisticRegression, predictProba, thresholdAccuracy, type LogisticModel } from './logistic-regression';
import { auc } from './roc';
import type { ShadowTrainer } from './shadow-training';

/**
 * Shadow-model membership-inference attack (Shokri et al. 2017) as the 2024 DC-unlearning paper
 * describes it: shadow models (MLPs in the paper) trained like the target on data the attacker
 * owns, and a logistic-regression attack classifier trained on the shadows' outputs for their own
 * members (label 1) and non-members (label 0), then applied to the target.
 *
 * What it measures: attack accuracy (balanced members vs non-members) and AUC on the target.
 * Ideal for a private / fully unlearned model: 0.5; 1.0 = membership fully exposed.
 * The paper does not say which outputs feed the attack; we use three label-aware per-sample
 * features, standardised: CE loss, logit-confidence log(p_y/(1-p_y)) and prediction entropy.
 * Each shadow trains on a random half of the shadow pool; the other half are its non-members.
 */
export interface ShadowAttack {
  model: LogisticModel;
  featureMean: number[];
  featureStd: number[];
  /** Accuracy of the attack classifier on the shadow data it was fitted on. */
  shadowAccuracy: number;
  seconds: number;
}

export interface ShadowAttackOptions {
  numShadows: number;
  seed?: number | string;
}

function features(p: Predictions): number[][] {
  const phi = confidenceOf(p);
  const { entropy } = softmaxStats(p);
  return Array.from({ length: p.labels.length }, (_, i) => [Math.min(100, p.losses[i]), phi[i], entropy[i]]);
}

export async function trainShadowAttack(shadowPool: Dataset, trainShadow: ShadowTrainer, opts: ShadowAttackOptions): Promise<ShadowAttack> {
  const S = opts.numShadows;
  if (!Number.isInteger(S) || S < 1) throw new Error(`trainShadowAttack: numShadows must be a positive integer, got ${S}.`);
  const n = size(shadowPool);
  if (n < 4) throw new Error(`trainShadowAttack: the shadow pool ${shadowPool.name}/${shadowPool.split} has ${n} samples; need at least 4.`);
  const rng = new Rng(opts.seed ?? 0);
  const t0 = Date.now();
  const X: number[][] = [];
  const y: number[] = [];
  for (let s = 0; s < S; s++) {
    const perm = rng.fork(`split${s}`).permutation(n);
    const inSet = subsetByIndex(shadowPool, perm.subarray(0, n >> 1));
    const outSet = subsetByIndex(shadowPool, perm.subarray(n >> 1, 2 * (n >> 1)));
    const model = await trainShadow(inSet, rng.fork(`shadow${s}`).uint32());
    try {
      for (const [set, label] of [[inSet, 1], [outSet, 0]] as const) {
        for (const f of features(await predict(model, set))) {
          X.push(f);
          y.push(label);
        }
      }
    } finally {
      model.dispose();
    }
  }
  const d = X[0].length;
  const featureMean = Array.from({ length: d }, (_, j) => X.reduce((a, r) => a + r[j], 0) / X.length);
  const featureStd = Array.from({ length: d }, (_, j) => Math.sqrt(X.reduce((a, r) => a + (r[j] - featureMean[j]) ** 2, 0) / X.length) || 1);
  const Z = X.map((r) => r.map((v, j) => (v - featureMean[j]) / featureStd[j]));
  const model = fitLogisticRegression(Z, y);
  const p = predictProba(model, Z);
  const shadowAccuracy = thresholdAccuracy(p, y);
  return { model, featureMean, featureStd, shadowAccuracy, seconds: (Date.now() - t0) / 1000 };
}

export interface ShadowAttackResult {
  accuracy: number;
  auc: number;
  perSide: number;
}

/** P(member) the trained shadow attack gives each sample of a target model's predictions (per-sample scores, e.g. for ROC curves and bootstraps). */
export function shadowAttackProba(attack: ShadowAttack, p: Predictions): Float64Array {
  return predictProba(attack.model, features(p).map((r) => r.map((v, j) => (v - attack.featureMean[j]) / attack.featureStd[j])));
}

/** Applies a trained shadow attack to the target: members vs non-members, balanced by random truncation. */
export async function applyShadowAttack(attack: ShadowAttack, target: Classifier, members: Dataset, nonMembers: Dataset, seed: number | string = 0): Promise<ShadowAttackResult> {
  const m = Math.min(size(members), size(nonMembers));
  if (m === 0) throw new Error(`applyShadowAttack: members (${size(members)}) and non-members (${size(nonMembers)}) must both be non-empty.`);
  const rng = new Rng(seed);
  const pick = (ds: Dataset, label: string): Dataset => subsetByIndex(ds, rng.fork(label).permutation(size(ds)).subarray(0, m));
  const p = Float64Array.from([...shadowAttackProba(attack, await predict(target, pick(members, 'in'))), ...shadowAttackProba(attack, await predict(target, pick(nonMembers, 'out')))]);
  const y = [...Array(m).fill(1), ...Array(m).fill(0)];
  const accuracy = thresholdAccuracy(p, y);
  return { accuracy, auc: auc(p, y), perSide: m };
}

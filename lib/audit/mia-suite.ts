import type { DataFrame } from 'danfojs-node';
import { concatDatasets, size, type Dataset } from '../data/dataset';
import type { Rng } from '../engine/rng';
import { mean } from '../metrics/checks';
import { confidenceOf } from '../metrics/confidence';
import { liraScores, trainLiraShadows, type LiraShadows } from '../metrics/lira';
import { blendMiaScore } from '../metrics/mia-blend-logit-auc';
import { LOSS_MIA_PRESETS, lossLogisticMia } from '../metrics/mia-loss-logistic';
import { shadowAttackProba, trainShadowAttack, type ShadowAttack } from '../metrics/mia-shadow';
import { rocCurve, tprAtFpr } from '../metrics/roc';
import type { ShadowTrainer } from '../metrics/shadow-training';
import { danfojs } from '../report/dataframe';
import type { Table } from '../results/table';
import type { Audit } from './audit';
import { bootstrapCi, formatBootstrapCi, type BootstrapCi, type BootstrapOptions } from './bootstrap';
import { fitSvcAttack, svcMiaEfficacy, svcShadowRetainPositions } from './svc-mia';

/**
 * One membership-inference suite on the audited models (original, the method, Retrain), every number
 * with a stratified bootstrap CI (forget and test resampled independently; the attack refitted on each
 * resample). Members = the forget set (the original trained on it), non-members = the test set:
 *  - logit-AUC: the Blend/A-AMU paper's MIA score (lib/metrics/mia-blend-logit-auc), AUC x 100;
 *  - loss-logistic: SCRUB's loss attack (lib/metrics/mia-loss-logistic, SCRUB's settings), accuracy %;
 *  - SVC confidence / entropy: SalUn's MIA-efficacy (svc-mia.ts), % of forget called non-member;
 *  - shadow model: Shokri et al.'s attack (lib/metrics/mia-shadow), AUC and balanced accuracy %;
 *  - LiRA offline / online (lib/metrics/lira), per example, AUC and TPR at 0.1% and 1% FPR, %.
 * For each the reference is Retrain's value: a method has forgotten when it matches Retrain, not when it
 * beats it. Duplicates from resampling can fall into both sides of an attack's CV folds; with 1-3
 * features and a logistic or SVM attack this barely moves the score.
 */
export interface MiaSuiteOptions {
  bootstrap?: BootstrapOptions;
  /** Seed of the attacks' own randomness (subsets, folds, shadow splits); default 0. */
  seed?: number | string;
  /**
   * Shadow-model attack: shadows trained by `train` on halves of `pool`, a set that none of the audited
   * models trained on and that is not the test set (e.g. the scenario's test pool). Omitted: not run.
   */
  shadow?: { train: ShadowTrainer; pool: Dataset; numShadows: number };
  /**
   * LiRA: numShadows (even) shadows trained by `train` on random halves of the population retain +
   * forget + test (the target's training-set scale), scored per forget and test example. Omitted: not run.
   */
  lira?: { train: ShadowTrainer; numShadows: number };
  /**
   * Refit SalUn's SVC on every bootstrap resample (default true). An RBF SVC on 2 x |test| points takes
   * about 2.6 s at |test| = 3000 on one core, so 200 resamples x 2 features x 3 models take most of an hour;
   * false fits it once per model and feature and resamples the forget set only (the row says so).
   */
  svcRefit?: boolean;
}

export interface MiaRow {
  attack: string;
  metric: string;
  /** What to read it against. */
  ideal: string;
  byModel: Record<string, BootstrapCi>;
}

/** Per-sample attack scores of one model (higher = "member"), forget first then test, for ROC curves. */
export interface AttackScoreSet {
  attack: string;
  scores: Float64Array;
  /** 1 = forget (member of the original's training set), 0 = test. */
  labels: Uint8Array;
}

export interface MiaSuiteResult {
  models: string[];
  method: string;
  rows: MiaRow[];
  /** rocScores[model]: every attack with per-sample scores. */
  rocScores: Record<string, AttackScoreSet[]>;
  /** LiRA's per-example scores (forget then test, as in rocScores) of each model, when LiRA ran. */
  lira?: Record<string, { offline: Float64Array; online: Float64Array }>;
  /** Attacks left out, with why. */
  notRun: string[];
  /** Seconds per part (shadow training, bootstraps). */
  seconds: Record<string, number>;
  forgetSize: number;
  testSize: number;
}

const pick = (xs: ArrayLike<number>, pos: Int32Array | null): Float64Array => (pos == null ? Float64Array.from(xs) : Float64Array.from(pos, (i) => xs[i]));
const pickInt = (xs: ArrayLike<number>, pos: Int32Array | null): Int32Array => (pos == null ? Int32Array.from(xs) : Int32Array.from(pos, (i) => xs[i]));

/** AUC, TPR@0.1% and TPR@1% FPR (all %) of forget (member) vs test scores. */
function rocNumbers(f: Float64Array, t: Float64Array): { auc: number; tpr01: number; tpr1: number } {
  const labels = Uint8Array.from({ length: f.length + t.length }, (_, i) => (i < f.length ? 1 : 0));
  const roc = rocCurve(Float64Array.from([...f, ...t]), labels);
  return { auc: 100 * roc.auc, tpr01: 100 * tprAtFpr(roc, 0.001), tpr1: 100 * tprAtFpr(roc, 0.01) };
}

function seedOf(rng: Rng): number {
  return rng.uint32();
}

export async function miaSuite(audit: Audit, opts: MiaSuiteOptions = {}): Promise<MiaSuiteResult> {
  const seed = opts.seed ?? 0;
  const boot = { resamples: 200, seed, ...opts.bootstrap };
  const nF = size(audit.sets.forget);
  const nT = size(audit.sets.test);
  const nR = size(audit.sets.retain);
  const rows: MiaRow[] = [];
  const seconds: Record<string, number> = {};
  const notRun: string[] = [];
  const rocScores: Record<string, AttackScoreSet[]> = Object.fromEntries(audit.models.map((m) => [m, []]));
  const row = (attack: string, metric: string, ideal: string): MiaRow => {
    const r: MiaRow = { attack, metric, ideal, byModel: {} };
    rows.push(r);
    return r;
  };
  const timed = async <T>(part: string, fn: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      seconds[part] = (seconds[part] ?? 0) + (performance.now() - t0) / 1000;
    }
  };
  const withRoc = (model: string, attack: string, f: Float64Array, t: Float64Array) =>
    rocScores[model].push({ attack, scores: Float64Array.from([...f, ...t]), labels: Uint8Array.from({ length: f.length + t.length }, (_, i) => (i < f.length ? 1 : 0)) });
  /** Bootstraps AUC / TPR@0.1% / TPR@1% of per-sample forget and test scores into three rows. */
  const rocRows = (attack: string) => ({
    auc: row(attack, 'AUC (%)', 'Retrain; 50 = chance'),
    tpr01: row(attack, 'TPR @ 0.1% FPR (%)', 'Retrain; 0.1 = chance'),
    tpr1: row(attack, 'TPR @ 1% FPR (%)', 'Retrain; 1 = chance'),
  });
  const fillRoc = (r: ReturnType<typeof rocRows>, model: string, f: Float64Array, t: Float64Array) => {
    for (const k of ['auc', 'tpr01', 'tpr1'] as const) r[k].byModel[model] = bootstrapCi([nF, nT], (pos) => rocNumbers(pick(f, pos && pos[0]), pick(t, pos && pos[1]))[k], boot);
  };

  // The paper's score and the loss attack: 1-D logistic attacks, refitted on every resample.
  const paper = row('logit-AUC (Blend/A-AMU paper score)', 'AUC x 100', 'Retrain; 50 = chance');
  const loss = row('loss-logistic (SCRUB)', 'accuracy (%)', 'Retrain; 50 = chance');
  await timed('logit-AUC and loss-logistic', () => {
    for (const m of audit.models) {
      const F = audit.scores[m].forget;
      const T = audit.scores[m].test;
      const phiF = confidenceOf(F.predictions, { referenceClamp: true });
      const phiT = confidenceOf(T.predictions, { referenceClamp: true });
      paper.byModel[m] = bootstrapCi(
        [nF, nT],
        (pos, rng) => blendMiaScore({ values: pick(phiF, pos && pos[0]), classes: pickInt(F.labels, pos && pos[0]) }, { values: pick(phiT, pos && pos[1]), classes: pickInt(T.labels, pos && pos[1]) }, { seed: pos == null ? seed : seedOf(rng) }).score,
        boot,
      );
      loss.byModel[m] = bootstrapCi(
        [nF, nT],
        (pos, rng) => 100 * lossLogisticMia({ values: pick(F.loss, pos && pos[0]), classes: pickInt(F.labels, pos && pos[0]) }, { values: pick(T.loss, pos && pos[1]), classes: pickInt(T.labels, pos && pos[1]) }, { ...LOSS_MIA_PRESETS.scrub, seed: pos == null ? seed : seedOf(rng) }).accuracy,
        boot,
      );
      // Their ROC: the threshold attack on their feature. Loss and logit-confidence are both monotone in p_y,
      // so they rank samples alike and give one curve.
      withRoc(m, 'loss / logit-confidence threshold', Float64Array.from(F.loss, (v) => -v), Float64Array.from(T.loss, (v) => -v));
    }
  });

  // SalUn's SVC attacks: shadow members = |test| retain samples, non-members = test; target = forget.
  const shadowRetain = svcShadowRetainPositions(nR, nT, `${seed}/svc-retain`);
  const nS = shadowRetain.length;
  const refit = opts.svcRefit ?? true;
  await timed('SVC (SalUn)', () => {
    for (const feature of ['confidence', 'entropy'] as const) {
      const r = row(`SVC ${feature} (SalUn)`, `MIA-efficacy (%)${refit ? '' : '; CI over forget only'}`, 'Retrain; higher = more forget samples look unseen');
      for (const m of audit.models) {
        const R = pick(audit.scores[m].retain[feature], shadowRetain);
        const T = Float64Array.from(audit.scores[m].test[feature]);
        const F = Float64Array.from(audit.scores[m].forget[feature]);
        if (refit) {
          r.byModel[m] = bootstrapCi([nS, nT, nF], (pos) => 100 * svcMiaEfficacy(pick(R, pos && pos[0]), pick(T, pos && pos[1]), pick(F, pos && pos[2])), boot);
        } else {
          const attack = fitSvcAttack(R, T);
          try {
            const called = attack.calledNonMember(F);
            r.byModel[m] = bootstrapCi([nF], (pos) => 100 * mean(pick(called, pos && pos[0])), boot);
          } finally {
            attack.free();
          }
        }
      }
    }
  });

  if (opts.shadow) {
    const s = opts.shadow;
    for (const [name, ds] of Object.entries(audit.sets)) {
      if (ds.name === s.pool.name && ds.split === s.pool.split && ds.ids.some((id) => s.pool.ids.includes(id))) {
        throw new Error(`miaSuite: the shadow pool shares ids with the ${name} set; pass a pool no audited model trained on and that is not the test set (e.g. the scenario's testPool).`);
      }
    }
    const attack: ShadowAttack = await timed('shadow-model training', () => trainShadowAttack(s.pool, s.train, { numShadows: s.numShadows, seed: `${seed}/shadow` }));
    const acc = row('shadow model (Shokri)', 'balanced accuracy (%)', 'Retrain; 50 = chance');
    const r = rocRows('shadow model (Shokri)');
    await timed('shadow-model bootstrap', () => {
      for (const m of audit.models) {
        const f = shadowAttackProba(attack, audit.scores[m].forget.predictions);
        const t = shadowAttackProba(attack, audit.scores[m].test.predictions);
        // Balanced accuracy at threshold 0.5: the accuracy on equal-sized member and non-member sets.
        const balanced = (ff: Float64Array, tt: Float64Array) => 50 * (ff.filter((p) => p >= 0.5).length / ff.length + tt.filter((p) => p < 0.5).length / tt.length);
        acc.byModel[m] = bootstrapCi([nF, nT], (pos) => balanced(pick(f, pos && pos[0]), pick(t, pos && pos[1])), boot);
        fillRoc(r, m, f, t);
        withRoc(m, 'shadow model', f, t);
      }
    });
  } else {
    notRun.push('shadow model: no shadow trainer and pool given (options.shadow)');
  }

  let lira: MiaSuiteResult['lira'];
  if (opts.lira) {
    const { retain, forget, test } = audit.sets;
    const population = concatDatasets('audit population (retain + forget + test)', [retain, forget, test]);
    const shadows: LiraShadows = await timed('LiRA shadow training', () => trainLiraShadows(population, opts.lira!.train, { numShadows: opts.lira!.numShadows, seed: `${seed}/lira` }));
    const off = rocRows('LiRA offline');
    const on = rocRows('LiRA online');
    lira = {};
    await timed('LiRA bootstrap', () => {
      for (const m of audit.models) {
        const sc = audit.scores[m];
        const phi = Float64Array.from([...sc.retain.logitConfidence, ...sc.forget.logitConfidence, ...sc.test.logitConfidence]);
        const both = { offline: liraScores(shadows, phi, { variant: 'offline' }), online: liraScores(shadows, phi, { variant: 'online' }) };
        const perExample = { offline: both.offline.slice(nR), online: both.online.slice(nR) };
        lira![m] = perExample;
        for (const [variant, r] of [['offline', off], ['online', on]] as const) {
          const f = perExample[variant].slice(0, nF);
          const t = perExample[variant].slice(nF);
          fillRoc(r, m, f, t);
          withRoc(m, `LiRA ${variant}`, f, t);
        }
      }
    });
  } else {
    notRun.push('LiRA: no shadow trainer given (options.lira)');
  }
  return { models: [...audit.models], method: audit.method, rows, rocScores, lira, notRun, seconds, forgetSize: nF, testSize: nT };
}

/** The suite as a table: one row per attack and metric, one column per model ("estimate [low, high]") and the method's gap to Retrain. */
export function miaSuiteTable(s: MiaSuiteResult, digits = 1): Table {
  const level = s.rows[0]?.byModel[s.models[0]]?.level ?? 0.95;
  const B = s.rows[0]?.byModel[s.models[0]]?.resamples ?? 0;
  return {
    // With n test samples the smallest non-zero FPR is 1/n: below it, TPR @ FPR is the TPR at FPR 0.
    title: `MIA suite: forget (${s.forgetSize}) vs test (${s.testSize}; smallest non-zero FPR ${(100 / s.testSize).toFixed(2)}%), ${Math.round(level * 100)}% bootstrap CI (${B} resamples)`,
    columns: ['attack', 'metric', ...s.models, `${s.method} - retrain`, 'read against'],
    rows: s.rows.map((r) => [r.attack, r.metric, ...s.models.map((m) => formatBootstrapCi(r.byModel[m], digits)), r.byModel[s.method].estimate - r.byModel.retrain.estimate, r.ideal]),
  };
}

/** The suite as a long DataFrame: attack, metric, model, estimate, low, high. */
export function miaSuiteFrame(s: MiaSuiteResult): DataFrame {
  const cols: Record<string, (string | number)[]> = { attack: [], metric: [], model: [], estimate: [], low: [], high: [] };
  for (const r of s.rows) {
    for (const m of s.models) {
      const c = r.byModel[m];
      cols.attack.push(r.attack);
      cols.metric.push(r.metric);
      cols.model.push(m);
      cols.estimate.push(c.estimate);
      cols.low.push(c.low);
      cols.high.push(c.high);
    }
  }
  const dfd = danfojs();
  return new dfd.DataFrame(cols, { columns: Object.keys(cols) });
}

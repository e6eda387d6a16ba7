import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditAccuracyTable, auditFrame, auditUnlearning, type Audit } from '../../lib/audit/audit';
import { errorCurve, type ErrorCurve } from '../../lib/audit/error-curves';
import { attackRocFigure, auditLossFigure, errorCurveFigure, historyFigure } from '../../lib/audit/figures';
import { forgetByIdsFile } from '../../lib/audit/forget-ids';
import { miaSuite, miaSuiteFrame, miaSuiteTable, type MiaSuiteResult } from '../../lib/audit/mia-suite';
import { size } from '../../lib/data/dataset';
import { trainWithRecipe } from '../../lib/experiments/memorisation-regime/run';
import { BLEND_PAPER_SETTINGS, methodConfig } from '../../lib/experiments/shared/presets';
import { disposeScenario, prepareScenario, type Scenario } from '../../lib/experiments/shared/scenario';
import { loadCheckpoint, saveCheckpoint } from '../../lib/models/checkpoint';
import type { Classifier } from '../../lib/models/classifier';
import { validateTable } from '../../lib/results/table';
import { getUnlearner, type UnlearnResult } from '../../lib/unlearn';

/**
 * Notebook 06 (bring your own) at the smoke preset, step by step through the same library calls: the
 * original from a checkpoint, a forget request from an ids file, a registered method with an error-curve
 * probe, Retrain, the audit, the MIA suite (every attack, bootstrap CIs) and the figures.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-audit-'));
const setting = BLEND_PAPER_SETTINGS.smoke;
const METHOD = 'scrub';

describe('bring your own model: checkpoint -> ids file -> method -> audit -> MIA suite (smoke)', () => {
  let s: Scenario;
  let original: Classifier;
  let result: UnlearnResult;
  let retrain: UnlearnResult;
  let curve: ErrorCurve;
  let audit: Audit;
  let suite: MiaSuiteResult;
  let forgetIds: number[];
  const tensors: number[] = [];
  const seconds: Record<string, number> = {};
  beforeAll(async () => {
    let t0 = performance.now();
    s = await prepareScenario({ data: setting.data, recipe: setting.recipe, request: { kind: 'uniform', fraction: 0.1 }, seed: 0, cacheDir: dir });
    tensors.push(tf.memory().numTensors);
    // The researcher's own checkpoint and ids file.
    const ckpt = path.join(dir, 'my-model.ckpt');
    await saveCheckpoint(s.original, ckpt);
    original = loadCheckpoint(ckpt);
    forgetIds = Array.from(s.forget.ids).slice(0, 30);
    fs.writeFileSync(path.join(dir, 'forget-ids.txt'), `# my forget request\n${forgetIds.join('\n')}\n`);
    const { forget, retain } = forgetByIdsFile(s.train, path.join(dir, 'forget-ids.txt'));
    seconds.setup = (performance.now() - t0) / 1000;
    t0 = performance.now();
    curve = errorCurve({ forget, retain, test: s.testEval }, 2);
    result = await getUnlearner(METHOD).run({ original, retain, forget, testPool: s.testPool, config: methodConfig(setting.methodPreset, METHOD), seed: 0, probe: curve.probe });
    retrain = await getUnlearner('retrain').run({ original, retain, forget, testPool: s.testPool, config: methodConfig(setting.methodPreset, 'retrain'), seed: 0 });
    seconds.methods = (performance.now() - t0) / 1000;
    t0 = performance.now();
    audit = await auditUnlearning({ original, unlearned: result.model, retrain: retrain.model, method: METHOD, forget, retain, test: s.testEval });
    seconds.audit = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const train = (ds: Parameters<typeof trainWithRecipe>[0], seed: number) => trainWithRecipe(ds, setting.recipe, seed, 'shadow');
    suite = await miaSuite(audit, { bootstrap: { resamples: 50, seed: 1 }, shadow: { train, pool: s.testPool, numShadows: 2 }, lira: { train, numShadows: 4 } });
    seconds.suite = (performance.now() - t0) / 1000;
    for (const m of [original, result.model, retrain.model]) m.dispose();
    tensors.push(tf.memory().numTensors);
    console.log(`bring-your-own smoke: ${JSON.stringify(seconds)} s; suite parts ${JSON.stringify(suite.seconds)}`);
  }, 600_000);

  it('reads the forget request from the ids file and audits every model on every set, sample by sample', () => {
    expect(Array.from(audit.sets.forget.ids)).toEqual(forgetIds);
    expect(size(audit.sets.retain)).toBe(size(s.train) - forgetIds.length);
    expect(audit.models).toEqual(['original', METHOD, 'retrain']);
    for (const m of audit.models) {
      for (const set of ['forget', 'retain', 'test'] as const) {
        const sc = audit.scores[m][set];
        expect(sc.loss).toHaveLength(size(audit.sets[set]));
        for (let i = 0; i < sc.loss.length; i++) {
          // The four numbers are one prediction seen four ways: loss = -log p_y, phi = log(p / (1 - p)).
          expect(sc.loss[i]).toBeCloseTo(-Math.log(sc.confidence[i]), 3);
          if (sc.confidence[i] > 1e-6 && sc.confidence[i] < 1 - 1e-6) expect(sc.logitConfidence[i]).toBeCloseTo(Math.log(sc.confidence[i] / (1 - sc.confidence[i])), 3);
          expect(sc.entropy[i]).toBeGreaterThanOrEqual(0);
          expect(sc.entropy[i]).toBeLessThanOrEqual(Math.log(10) + 1e-9);
        }
      }
    }
    const frame = auditFrame(audit);
    expect(frame.shape).toEqual([3 * (size(s.train) + size(s.testEval)), 10]);
    expect(frame.columns).toEqual(['model', 'set', 'id', 'label', 'loss', 'confidence', 'logitConfidence', 'entropy', 'predicted', 'correct']);
    // What the notebook prints: mean loss per model and set.
    const byGroup = frame.groupby(['model', 'set']).col(['loss']).mean();
    expect(byGroup.shape[0]).toBe(9);
    const acc = validateTable(auditAccuracyTable(audit));
    expect(acc.rows.map((r) => r[0])).toEqual(audit.models);
  });

  it('the original memorised nothing it should keep hidden from Retrain: Retrain never trained on the forget set', () => {
    // Retrain's forget loss is that of unseen data: higher on average than the original's.
    const mean = (a: Float32Array) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(audit.scores.retrain.forget.loss)).toBeGreaterThan(mean(audit.scores.original.forget.loss));
  });

  it('runs every attack of the suite with a bootstrap CI around its estimate, for each model', () => {
    expect(suite.notRun).toEqual([]);
    const attacks = [...new Set(suite.rows.map((r) => r.attack))];
    expect(attacks).toEqual(['logit-AUC (Blend/A-AMU paper score)', 'loss-logistic (SCRUB)', 'SVC confidence (SalUn)', 'SVC entropy (SalUn)', 'shadow model (Shokri)', 'LiRA offline', 'LiRA online']);
    for (const r of suite.rows) {
      for (const m of audit.models) {
        const c = r.byModel[m];
        expect(c.resamples).toBe(50);
        expect(c.low).toBeLessThanOrEqual(c.high);
        expect(c.estimate).toBeGreaterThanOrEqual(0);
        expect(c.estimate).toBeLessThanOrEqual(100);
      }
    }
    // The paper's score in the suite is the one the audit computed (same seed), and its interval has width.
    const paper = suite.rows[0];
    for (const m of audit.models) expect(paper.byModel[m].estimate).toBeCloseTo(audit.mia[m], 10);
    expect(paper.byModel.original.high - paper.byModel.original.low).toBeGreaterThan(0);
    // LiRA is per example: one score per forget and test sample.
    expect(suite.lira!.retrain.online).toHaveLength(size(audit.sets.forget) + size(audit.sets.test));
    const table = validateTable(miaSuiteTable(suite));
    expect(table.columns).toEqual(['attack', 'metric', 'original', METHOD, 'retrain', `${METHOD} - retrain`, 'read against']);
    expect(table.rows[0][5]).toBeCloseTo(paper.byModel[METHOD].estimate - paper.byModel.retrain.estimate, 10);
    expect(table.rows).toHaveLength(suite.rows.length);
    expect(String(table.rows[0][2])).toMatch(/^\d+\.\d \[\d+\.\d, \d+\.\d\]$/);
    expect(miaSuiteFrame(suite).shape).toEqual([suite.rows.length * 3, 6]);
    console.log(table.rows.map((r) => r.join(' | ')).join('\n'));
  });

  it('without shadow trainers the suite says which attacks did not run; svcRefit false fits the SVC once and resamples the forget set', async () => {
    const quick = await miaSuite(audit, { bootstrap: { resamples: 20, seed: 1 }, svcRefit: false });
    expect(quick.notRun).toEqual(['shadow model: no shadow trainer and pool given (options.shadow)', 'LiRA: no shadow trainer given (options.lira)']);
    expect([...new Set(quick.rows.map((r) => r.attack))]).toEqual(['logit-AUC (Blend/A-AMU paper score)', 'loss-logistic (SCRUB)', 'SVC confidence (SalUn)', 'SVC entropy (SalUn)']);
    for (const attack of ['SVC confidence (SalUn)', 'SVC entropy (SalUn)']) {
      const once = quick.rows.find((r) => r.attack === attack)!;
      const refitted = suite.rows.find((r) => r.attack === attack)!;
      expect(once.metric).toBe('MIA-efficacy (%); CI over forget only');
      // The same fit on the full data: the same estimate; the interval differs.
      for (const m of audit.models) expect(once.byModel[m].estimate).toBeCloseTo(refitted.byModel[m].estimate, 10);
    }
  });

  it('builds the three-panel loss figure with each MIA in its panel title, the ROC figures and the curves', () => {
    const fig = auditLossFigure(audit, suite);
    const titles = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
    expect(titles).toHaveLength(3);
    audit.models.forEach((m, i) => expect(titles[i]).toMatch(new RegExp(`^${m}: MIA \\d+\\.\\d \\[`)));
    expect(fig.data).toHaveLength(6);
    // Log density on every panel, with one range so heights compare.
    for (const k of ['yaxis', 'yaxis2', 'yaxis3']) expect(fig.layout[k]).toMatchObject({ type: 'log', range: (fig.layout.yaxis as { range: number[] }).range });
    for (const m of audit.models) {
      const roc = attackRocFigure(suite, m);
      expect(roc.data.map((d) => d.name).filter((n) => n !== 'chance')).toHaveLength(suite.rocScores[m].length);
      expect(String(roc.data[0].name)).toMatch(/TPR [\d.]+% @0\.1%, [\d.]+% @1% FPR \(AUC/);
    }
    // The probe measured before the first step and after the last; SCRUB's forget error is measured throughout.
    expect(curve.points.length).toBeGreaterThanOrEqual(2);
    expect(curve.points[0].steps).toBe(0);
    const ec = errorCurveFigure(curve, METHOD, audit);
    expect(ec.data.map((d) => d.name)).toEqual(['forget error', 'retain error', 'test error']);
    expect((ec.data[0].line as { color: string }).color).toBe('#d62728');
    const shapes = ec.layout.shapes as { name: string; y0: number }[];
    expect(shapes[0].name).toBe('Retrain forget error');
    expect(shapes[0].y0).toBeCloseTo(100 * (1 - audit.scores.retrain.forget.predicted.filter((p, i) => p === audit.scores.retrain.forget.labels[i]).length / size(audit.sets.forget)), 10);
    // SCRUB's loss is its retain pass's: one line named both ways, beside the forget pass's loss.
    expect(historyFigure(result.history, METHOD).data.map((d) => d.name)).toEqual(expect.arrayContaining(['loss (retainLoss)', 'forgetLoss']));
    expect(historyFigure(result.history, METHOD).data.map((d) => d.name)).not.toContain('retainLoss');
    const synthetic = [1, 2].map((epoch) => ({ epoch, loss: epoch, seconds: 1, extra: { retainLoss: epoch, forgetLoss: -epoch, forgetAccuracy: 0.5, lr: 0.1 } }));
    expect(historyFigure(synthetic, 'x').data.map((d) => d.name)).toEqual(['loss (retainLoss)', 'forgetLoss', 'forgetAccuracy']);
  });

  it('leaves no tensors behind once the models are disposed', () => {
    expect(tensors[1]).toBe(tensors[0]);
    disposeScenario(s);
  });
});

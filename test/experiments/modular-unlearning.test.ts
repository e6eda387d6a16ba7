import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectReducedRetainSet } from '../../lib/condense/reduced-retain';
import { init } from '../../lib/engine/init';
import { condenseForModular, MODULAR_FIXED, MODULAR_PRESETS, modularSettingFor, modularUnlearning, OFFLINE_MODEL, runModularUnlearning, type ModularResult } from '../../lib/experiments/modular-unlearning';
import { writeExperimentOutput } from '../../lib/experiments/shared/output';
import { disposeScenario, prepareScenario } from '../../lib/experiments/shared/scenario';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-modular-'));

describe('modular-unlearning runner (smoke preset)', () => {
  let r: ModularResult;
  let tensorsBefore = 0;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await runModularUnlearning({ preset: 'smoke', methods: ['modular', 'retrain', 'cf'], cacheDir });
    tensorsAfter = tf.memory().numTensors;
  }, 600_000);

  it('runs every method on both models and all three requests, with Original, the offline model and the class-wise fix', () => {
    const scenarios = ['uniform 10%', 'class 0', '10% of classes 1+2+3'];
    for (const model of ['mlp', 'cnn4']) {
      for (const scenario of scenarios) {
        const methods = r.rows.filter((x) => x.model === model && x.scenario === scenario).map((x) => x.method);
        expect(methods).toEqual(['original', OFFLINE_MODEL, 'modular', 'retrain', 'cf', ...(scenario === 'class 0' ? [MODULAR_FIXED] : [])]);
      }
    }
    for (const row of r.rows) {
      for (const v of [row.retainAcc, row.forgetAcc, row.testAcc]) expect(v).toBeGreaterThanOrEqual(0);
      expect(row.miaLoss).toBeGreaterThanOrEqual(0);
      expect(row.miaLoss).toBeLessThanOrEqual(100);
    }
  });

  it('the modular method trains on the reduced retain set; the arbitrary-partial request forgets only classes 1-3', () => {
    for (const s of r.setups) {
      expect(s.requests.map((q) => q.scenario)).toEqual(['uniform 10%', 'class 0', '10% of classes 1+2+3']);
      for (const q of s.requests) expect(q.reducedRatio).toBeLessThan(1);
      expect(s.remembranceLeaks).toBe(false);
      expect(s.sizes.remembrance).toBe(20);
      expect(s.kmeansSeconds + s.condensationSeconds + s.offlineSeconds).toBeGreaterThan(0);
    }
    const modular = r.rows.find((x) => x.method === 'modular' && x.scenario === 'uniform 10%')!;
    const cf = r.rows.find((x) => x.method === 'cf' && x.scenario === 'uniform 10%' && x.model === modular.model)!;
    expect(modular.retainUsed).toBeLessThan(cf.retainUsed);
    // 40 images per class: 10% of all (40), one class (40), 10% of classes 1-3 (12).
    const retainUsed = (scenario: string) => r.rows.find((x) => x.method === 'cf' && x.scenario === scenario)!.retainUsed;
    expect([retainUsed('uniform 10%'), retainUsed('class 0'), retainUsed('10% of classes 1+2+3')]).toEqual([360, 360, 388]);
  });

  it('draws the arbitrary-partial request from the named classes only; model inversion condenses for the collection protocol too', async () => {
    const p = MODULAR_PRESETS.smoke;
    const s = await prepareScenario({ data: p.data, recipe: p.models[0], request: { kind: 'partial', fraction: 0.1, classes: [1, 2, 3] }, seed: 0, cacheDir });
    expect(s.originalSource).toBe('cache');
    expect(new Set(s.forget.labels)).toEqual(new Set([1, 2, 3]));
    expect(s.forget.labels.length).toBe(12);
    expect(s.retain.labels.length + s.forget.labels.length).toBe(400);
    // Model-inversion condensation, the paper's alternative to fast DM, feeds the same collection protocol.
    for (const method of ['mi-lite', 'mi-bulky'] as const) {
      const c = await condenseForModular({ kPerClass: 4, condensation: { method, iterations: 1, lr: 1e-3, inverter: { inverterHidden: [16, 32], bucketHidden: [32], bucketEpochs: 1 } } }, s, 0);
      expect(c.condensed.dataset.labels.length).toBe(c.partition.clusters.length);
      const reduced = await collectReducedRetainSet(s.train, c.partition, s.forget.ids, c.condensed);
      expect(reduced.ratio).toBeLessThan(1);
      expect(c.condensationSeconds).toBeGreaterThan(0);
    }
    disposeScenario(s);
  });

  it('refuses a dataset its preset does not run, naming the ones it does', async () => {
    await expect(runModularUnlearning({ preset: 'smoke', dataset: 'svhn', cacheDir })).rejects.toThrow("modular-unlearning: preset smoke runs fashion-mnist, not 'svhn'. Pass --dataset fashion-mnist.");
    expect(modularSettingFor('gpu-paper', MODULAR_PRESETS['gpu-paper'], { dataset: 'svhn' }).data.dataset).toBe('svhn');
    expect(modularSettingFor('cpu', MODULAR_PRESETS.cpu, { model: 'cnn4', forget: 'class:3' })).toMatchObject({ models: [{ model: 'cnn4' }], requests: [{ kind: 'class', classes: [3] }] });
    expect(() => modularSettingFor('cpu', MODULAR_PRESETS.cpu, { model: 'vgg16' })).toThrow("modular-unlearning: preset cpu has the models mlp, cnn4, not 'vgg16'.");
  });

  it('leaves no tensors behind and writes tables, a dot plot per model and request, and the paper beside ours', async () => {
    expect(tensorsAfter).toBe(tensorsBefore);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-modular-out-'));
    const out = modularUnlearning.output(r, { preset: 'smoke' });
    expect(out.figures).toHaveLength(6);
    for (const f of out.figures!) expect((f.figure.data as { name?: string }[]).length).toBeGreaterThan(0);
    expect(Object.keys(out.tables)).toContain('preprocessing');
    expect(out.tables['paper-comparison'].rows.length).toBeGreaterThan(0);
    const files = await writeExperimentOutput(dir, out);
    expect(files.some((f) => f.endsWith('report.html'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'table-mlp-uniform-10.csv'), 'utf8')).toMatch(/^scenario,method,retainAcc,/);
  });
});

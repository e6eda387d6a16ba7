import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../../lib/engine/init';
import { createModel } from '../../../lib/models/registry';
import { evaluate } from '../../../lib/train/evaluate';
import { getUnlearner, type UnlearnResult } from '../../../lib/unlearn';
import { PruningMasks, magnitudeScores, prunableWeights, synflowScores } from '../../../lib/unlearn/shared/sparsity';
import { Conv2d } from '../../../lib/models/nn/layers';
import { classwiseSetup, type ClasswiseSetup } from './fixture';

// Class-wise forgetting of 'Pullover' on 500 real Fashion-MNIST images with a width-8 ConvNet: each
// method must move forget accuracy the way its paper says, with small configs (1-4 epochs).
let s: ClasswiseSetup;
let before: { forget: number; retain: number };

async function run(name: string, config: Record<string, unknown>): Promise<{ r: UnlearnResult; forget: number; retain: number }> {
  const r = await getUnlearner(name).run({ original: s.model, retain: s.retain, forget: s.forget, testPool: s.testPool, config, seed: 7 });
  return { r, forget: (await evaluate(r.model, s.forget)).accuracy, retain: (await evaluate(r.model, s.retain)).accuracy };
}

describe('Blend/A-AMU paper methods on a small class-wise setup', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    s = await classwiseSetup();
    before = { forget: (await evaluate(s.model, s.forget)).accuracy, retain: (await evaluate(s.model, s.retain)).accuracy };
    expect(before.forget).toBeGreaterThan(0.8);
  });

  it('retrain and CF take forget accuracy to about 0; the original is left unchanged', async () => {
    const w0 = s.model.parameters()[0].dataSync().slice();
    const rt = await run('retrain', { epochs: 3, lr: 0.05, warmupEpochs: 0, batchSize: 32 });
    expect(rt.forget).toBeLessThan(0.05);
    expect(rt.retain).toBeGreaterThan(0.6);
    const cf = await run('cf', { epochs: 3, lr: 0.1, warmupEpochs: 0, batchSize: 32 });
    expect(cf.forget).toBeLessThan(0.1);
    expect(cf.retain).toBeGreaterThan(0.6);
    // Cosine over the epochs after warm-up, per epoch (the reference LambdaLR).
    expect(cf.r.history.map((h) => h.extra!.lr)).toEqual([0.1, 0.1 * 0.5 * (1 + Math.cos(Math.PI / 3)), 0.1 * 0.5 * (1 + Math.cos((2 * Math.PI) / 3))]);
    expect(Array.from(s.model.parameters()[0].dataSync())).toEqual(Array.from(w0));
    rt.r.model.dispose();
    cf.r.model.dispose();
  });

  it('bad-teacher and SCRUB lower forget accuracy and keep retain accuracy', async () => {
    const bad = await run('bad-teacher', { epochs: 3, lr: 0.05, batchSize: 32 });
    expect(bad.forget).toBeLessThan(before.forget - 0.2);
    expect(bad.retain).toBeGreaterThan(0.6);
    const sc = await run('scrub', { epochs: 2, lr: 0.05, msteps: 1, warmupEpochs: 0, batchSize: 32, forgetBatchSize: 16 });
    expect(sc.forget).toBeLessThan(0.1);
    expect(sc.retain).toBeGreaterThan(0.6);
    // Max passes in epochs e <= msteps: both epochs have one. The first is a no-op (student = teacher,
    // KL = 0 and no gradient) until the min pass has moved the student; the second pushes away.
    expect(Math.abs(sc.r.history[0].extra!.forgetLoss)).toBeLessThan(1e-3);
    expect(sc.r.history[1].extra!.forgetLoss).toBeLessThan(0);
    bad.r.model.dispose();
    sc.r.model.dispose();
  });

  it('distillation and L1-sparse lower forget accuracy; the L1 weight decays linearly as in the reference', async () => {
    const kd = await run('distillation', { epochs: 2, lr: 0.05, batchSize: 32 });
    expect(kd.forget).toBeLessThan(before.forget - 0.05);
    expect(kd.retain).toBeGreaterThan(0.6);
    const l1 = await run('l1-sparse', { epochs: 3, lr: 0.05, batchSize: 32, l1Alpha: 1e-3, noL1Epochs: 1 });
    expect(l1.forget).toBeLessThan(before.forget - 0.05);
    // alpha_e = alpha (1 - e / (E - noL1)) for e < E - noL1, then 0.
    expect(l1.r.history.map((h) => h.extra!.l1Alpha)).toEqual([1e-3, 5e-4, 0]);
    kd.r.model.dispose();
    l1.r.model.dispose();
  });

  it('pruning (DC_Unlearning) zeroes the target share of conv weights by magnitude and still forgets', async () => {
    const pr = await run('pruning', { epochs: 2, lr: 0.05, batchSize: 32, pruneEvery: 1, sparsity: 0.6 });
    const convs = pr.r.model.namedModules().filter(([, m]) => m instanceof Conv2d).map(([, m]) => (m as Conv2d).weight);
    const total = convs.reduce((n, w) => n + w.size, 0);
    const zeros = convs.reduce((n, w) => n + Array.from(w.dataSync()).filter((v) => v === 0).length, 0);
    // Two steps of 1 - 0.4^(1/2) of the remaining weights: 60 % pruned, kept at 0 through fine-tuning.
    expect(Math.abs(zeros / total - 0.6)).toBeLessThan(0.01);
    expect(pr.r.history.at(-1)!.extra!.sparsity).toBeCloseTo(0.6, 2);
    expect(pr.forget).toBeLessThan(before.forget - 0.1);
    pr.r.model.dispose();
  });

  it('SynFlow reaches its sparsity without emptying a layer (magnitude pruning does empty layers) and fine-tunes', async () => {
    let fresh = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, seed: 3, options: { width: 8, norm: 'batch' } });
    const keptPerLayer = async (kind: 'synflow' | 'magnitude') => {
      const masks = new PruningMasks(prunableWeights(fresh, 'conv+linear'));
      for (let r = 0; r < 20; r++) {
        await masks.keepTop(kind === 'synflow' ? await synflowScores(fresh, masks) : await magnitudeScores(masks), Math.floor(masks.total * 0.01 ** ((r + 1) / 20)));
      }
      const kept = masks.masks.map((m) => tf.tidy(() => tf.sum(m).dataSync()[0]));
      expect(await masks.sparsity()).toBeCloseTo(0.99, 3);
      masks.dispose();
      return kept;
    };
    // Scoring replaces weights by |weights| only temporarily.
    const saved = fresh.parameters().map((p) => Array.from(p.dataSync()));
    const probe = new PruningMasks(prunableWeights(fresh, 'conv+linear'));
    await synflowScores(fresh, probe);
    expect(fresh.parameters().map((p) => Array.from(p.dataSync()))).toEqual(saved);
    probe.dispose();
    expect(Math.min(...(await keptPerLayer('synflow')))).toBeGreaterThan(0);
    fresh.dispose();
    const fresh2 = createModel('convnet', { inputShape: [28, 28, 1], numClasses: 10, seed: 3, options: { width: 8, norm: 'batch' } });
    fresh = fresh2;
    expect(Math.min(...(await keptPerLayer('magnitude')))).toBe(0);
    fresh.dispose();

    const sf = await run('synflow', { epochs: 2, lr: 3e-3, batchSize: 32, pruneIterations: 10, sparsity: 0.8 });
    expect(sf.r.history.at(-1)!.extra!.sparsity).toBeCloseTo(0.8, 2);
    expect(sf.r.timing.phases.prune).toBeGreaterThan(0);
    expect(sf.retain).toBeGreaterThan(0.6);
    expect(sf.forget).toBeLessThan(before.forget - 0.1);
    sf.r.model.dispose();
  });

  it('A-CF, A-L1 and A-SCRUB lower forget accuracy in one epoch and report their A-AMU settings', async () => {
    const small = { lr: 1e-3, batchSize: 32, forgetFactor: 2, testSamples: 64 };
    for (const name of ['a-cf', 'a-l1', 'a-scrub']) {
      const a = await run(name, small);
      expect(a.forget, name).toBeLessThan(before.forget - 0.15);
      expect(a.retain, name).toBeGreaterThan(0.6);
      expect(a.r.history).toHaveLength(1);
      expect(a.r.config).toMatchObject({ optimizer: 'adam', epochs: 1, lambda: 34, k: 2, sigma: 1, forgetFactor: 2, testSamples: 64 });
      expect(a.r.timing.phases.testPoolIndex).toBeGreaterThanOrEqual(0);
      a.r.model.dispose();
    }
  });
});

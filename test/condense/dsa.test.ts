import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { distributionMatching } from '../../lib/condense/dm';
import { DSA_DEFAULT_STRATEGY, dsaAugment, sampleDsaParams, type DsaParams, type DsaTransform } from '../../lib/condense/dsa';
import { gradientMatching } from '../../lib/condense/gm';
import { subsetByIndex, type Dataset } from '../../lib/data/dataset';
import { init } from '../../lib/engine/init';
import { expectNoLeak } from '../../lib/engine/leaks';
import { Rng } from '../../lib/engine/rng';
import { createModel } from '../../lib/models/registry';
import { smallTrain, TINY_EXTRACTOR } from './fixture';

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** For each family, a parameter change that alters what that family does (and nothing else). */
const PERTURB: Record<DsaTransform, (p: DsaParams) => Partial<DsaParams>> = {
  color: (p) => ({ brightness: p.brightness + 0.7, contrast: p.contrast * 1.3 }),
  crop: (p) => ({ shiftY: p.shiftY > 0 ? -1 : 1, shiftX: p.shiftX > 0 ? -1 : 1 }),
  cutout: (p) => ({ cutY: (p.cutY + 0.5) % 1, cutX: (p.cutX + 0.5) % 1 }),
  flip: (p) => ({ flip: !p.flip }),
  scale: (p) => ({ scale: p.scale > 1 ? 0.85 : 1.15 }),
  rotate: (p) => ({ angle: p.angle > 0 ? -0.2 : 0.2 }),
};

describe('differentiable siamese augmentation (one implementation for GM, DM, IDM)', () => {
  let ds: Dataset;
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
    ds = smallTrain(200);
  });

  it('defaults to the reference: all six families, single mode; params are deterministic per seed', () => {
    expect(DSA_DEFAULT_STRATEGY).toEqual(['color', 'crop', 'cutout', 'flip', 'scale', 'rotate']);
    expect(sampleDsaParams(new Rng(3))).toEqual(sampleDsaParams(new Rng(3), DSA_DEFAULT_STRATEGY, 'single'));
    expect(sampleDsaParams(new Rng(3)).families.length).toBe(1);
    expect(sampleDsaParams(new Rng(3), DSA_DEFAULT_STRATEGY, 'multiple').families).toEqual(DSA_DEFAULT_STRATEGY);
    expect(sampleDsaParams(new Rng(4), DSA_DEFAULT_STRATEGY, 'multiple')).not.toEqual(sampleDsaParams(new Rng(5), DSA_DEFAULT_STRATEGY, 'multiple'));
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([3, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
      const a = dsaAugment(x, sampleDsaParams(new Rng(7), DSA_DEFAULT_STRATEGY, 'multiple'));
      const b = dsaAugment(x, sampleDsaParams(new Rng(7), DSA_DEFAULT_STRATEGY, 'multiple'));
      const c = dsaAugment(x, sampleDsaParams(new Rng(8), DSA_DEFAULT_STRATEGY, 'multiple'));
      expect(a.shape).toEqual([3, 28, 28, 1]);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(maxAbsDiff(a, c)).toBeGreaterThan(0.1);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("mode 'single' applies exactly one family, drawn from the strategy", () => {
    const seen = new Set<DsaTransform>();
    for (let s = 0; s < 60; s++) {
      const p = sampleDsaParams(new Rng(s));
      expect(p.families.length).toBe(1);
      seen.add(p.families[0]);
      expect(['crop', 'flip']).toContain(sampleDsaParams(new Rng(s), ['crop', 'flip']).families[0]);
    }
    expect([...seen].sort()).toEqual([...DSA_DEFAULT_STRATEGY].sort());
    tf.tidy(() => {
      const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
      for (const f of DSA_DEFAULT_STRATEGY) {
        const p = { ...sampleDsaParams(new Rng(11), DSA_DEFAULT_STRATEGY, 'multiple'), families: [f] };
        const out = dsaAugment(x, p);
        // Changing every other family's parameters leaves the output alone; changing this family's does not.
        const others = DSA_DEFAULT_STRATEGY.filter((g) => g !== f).reduce((q, g) => ({ ...q, ...PERTURB[g](q) }), p);
        expect(maxAbsDiff(dsaAugment(x, others), out)).toBe(0);
        expect(maxAbsDiff(dsaAugment(x, { ...p, ...PERTURB[f](p) }), out)).toBeGreaterThan(0.1);
      }
    });
  });

  it('every family is differentiable in the image and acts on each image alone (siamese across batch sizes)', () => {
    tf.tidy(() => {
      const real = tf.randomNormal([5, 28, 28, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      const syn = tf.slice(real, [0, 0, 0, 0], [2, -1, -1, -1]) as tf.Tensor4D;
      for (const f of [...DSA_DEFAULT_STRATEGY, 'all'] as const) {
        const p = sampleDsaParams(new Rng(2), f === 'all' ? DSA_DEFAULT_STRATEGY : [f], 'multiple');
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(dsaAugment(t as tf.Tensor4D, p))))(syn);
        expect(g.shape).toEqual(syn.shape);
        expect(g.dataSync().every(Number.isFinite)).toBe(true);
        expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
        // The same params give a synthetic image the same transform as its copy inside the larger real batch.
        const onReal = tf.slice(dsaAugment(real, p), [0, 0, 0, 0], [2, -1, -1, -1]);
        expect(maxAbsDiff(onReal, dsaAugment(syn, p))).toBeLessThan(1e-5);
      }
    });
  });

  it('scale and rotate are identities at scale 1 / angle 0 and rotate a half turn when asked', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
      const p = sampleDsaParams(new Rng(1), ['scale', 'rotate'], 'multiple');
      expect(maxAbsDiff(dsaAugment(x, { ...p, scale: 1, angle: 0 }), x)).toBeLessThan(1e-5);
      expect(maxAbsDiff(dsaAugment(x, { ...p, families: ['rotate'], angle: Math.PI }), tf.reverse(x, [1, 2]))).toBeLessThan(1e-4);
    });
  });

  it('DM and GM apply the same params to real and synthetic: with synthetic = real images their loss stays ~0 under DSA', async () => {
    // Two images per class; ipc 2 and a real batch of 2 make the synthetic set exactly the real one.
    const firstTwo: number[] = [];
    ds.classNames.forEach((_, c) => firstTwo.push(...Array.from(ds.labels).flatMap((y, i) => (y === c ? [i] : [])).slice(0, 2)));
    const pairs = subsetByIndex(ds, firstTwo);
    const dm = await expectNoLeak('dm-siamese', () =>
      distributionMatching(pairs, { ipc: 2, seed: 1, iterations: 4, lr: 1, realBatchPerClass: 2, extractorSpec: TINY_EXTRACTOR }),
    );
    expect(dm.lossHistory.every((l) => l < 1e-6)).toBe(true);
    // Control: a different real/synthetic pair per class gives a clearly non-zero loss.
    const dmControl = await distributionMatching(pairs, { ipc: 1, seed: 1, iterations: 2, lr: 1, realBatchPerClass: 2, extractorSpec: TINY_EXTRACTOR });
    expect(Math.max(...dmControl.lossHistory)).toBeGreaterThan(1e-2);

    const net = createModel('convnet', { inputShape: ds.shape, numClasses: 10, seed: 5, options: { width: 8, depth: 2 } });
    const gm = await expectNoLeak('gm-siamese', () =>
      gradientMatching(pairs, { ipc: 2, seed: 1, iterations: 2, realBatchPerClass: 2, initialNet: net, dsaMode: 'multiple' }),
    );
    expect(gm.lossHistory.every((l) => l < 5e-3)).toBe(true);
    const gmControl = await gradientMatching(pairs, { ipc: 1, seed: 1, iterations: 2, realBatchPerClass: 2, initialNet: net });
    expect(Math.max(...gmControl.lossHistory)).toBeGreaterThan(0.05);
    net.dispose();
  });

  it('rejects bad strategies and modes with errors that say what to change', async () => {
    expect(() => sampleDsaParams(new Rng(1), ['zoom' as never])).toThrow(/unknown DSA transform 'zoom'; choose from color, crop/);
    expect(() => sampleDsaParams(new Rng(1), [])).toThrow(/strategy is empty/);
    expect(() => sampleDsaParams(new Rng(1), ['flip'], 'S' as never)).toThrow(/mode must be 'single' or 'multiple'/);
    await expect(distributionMatching(ds, { ipc: 1, seed: 1, iterations: 1, dsa: ['zoom' as never] })).rejects.toThrow(/unknown DSA transform 'zoom'/);
    await expect(distributionMatching(ds, { ipc: 1, seed: 1, iterations: 1, dsaMode: 'M' as never })).rejects.toThrow(/mode must be 'single' or 'multiple'/);
  });
});

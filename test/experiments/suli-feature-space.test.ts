import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { forgetDispersion, gradCamDataset, runSuliFeatureSpace, suliFeatureSpace, type SuliFeatureSpaceResult } from '../../lib/experiments/suli-feature-space';
import { validateTable } from '../../lib/results';

const cacheDir = path.join(os.tmpdir(), 'unlearn-lab-suli-test-models');

describe('suli-feature-space (smoke preset)', () => {
  let r: SuliFeatureSpaceResult;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    const before = tf.memory().numTensors;
    r = await runSuliFeatureSpace({ preset: 'smoke', cacheDir });
    tensorsAfter = tf.memory().numTensors - before;
  }, 60_000);

  it('pictures the original and SULI: t-SNE points, dispersion, Grad-CAM maps in [0, 1]', () => {
    expect(r.models.map((m) => m.method)).toEqual(['original', 'suli']);
    const n = r.sampleIds.length;
    expect(n).toBe(9 * 6 + 12);
    expect(r.sampleIsForget.filter(Boolean)).toHaveLength(12);
    r.sampleIds.forEach((_, i) => expect(r.sampleIsForget[i]).toBe(r.sampleLabels[i] === r.forgetClass));
    for (const m of r.models) {
      expect(m.tsne).toHaveLength(n);
      expect(m.tsne.flat().every(Number.isFinite)).toBe(true);
      expect(m.forgetCohesion).toBeGreaterThan(0);
      expect(m.forgetAcc).toBeGreaterThanOrEqual(0);
      expect(m.forgetAcc).toBeLessThanOrEqual(1);
      const shares = Object.values(m.forgetNeighbourClasses);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(Object.keys(m.forgetNeighbourClasses)).not.toContain(r.classNames[r.forgetClass]);
      expect(m.gradCam).toHaveLength(1);
      for (const h of m.gradCam) {
        expect(h.values.length).toBe(h.height * h.width);
        expect(Math.min(...Array.from(h.values))).toBeGreaterThanOrEqual(0);
        expect(Math.max(...Array.from(h.values))).toBeLessThanOrEqual(1 + 1e-6);
      }
    }
    expect(r.models[0].gradCamCorrelation.every((c) => Number.isNaN(c) || Math.abs(c - 1) < 1e-6)).toBe(true);
  });

  it('frees every tensor it made', () => {
    expect(tensorsAfter).toBe(0);
  });

  it('outputs a table, t-SNE and Grad-CAM figures from the result alone (the images travel in it)', () => {
    const json = JSON.parse(JSON.stringify(r)) as SuliFeatureSpaceResult;
    expect(gradCamDataset(json).labels.length).toBe(1);
    const out = suliFeatureSpace.output(json, { preset: 'smoke' });
    validateTable(out.tables.features);
    expect(out.tables.features.rows.map((x) => x[1])).toEqual(json.models.map((m) => 100 * m.forgetAcc));
    // Two t-SNE figures and one Grad-CAM grid (every model x image in one figure).
    expect(out.figures).toHaveLength(2 + 1);
    expect(out.notes).toHaveLength(1);
  });
});

describe('forgetDispersion', () => {
  it('is below 1 for a separate forget cluster and about 1 or more when forget points sit among the retain points', () => {
    const retain = [[0, 0], [0, 1], [1, 0], [1, 1], [10, 10], [10, 11], [11, 10], [11, 11]];
    const clustered = [[50, 50], [50, 51], [51, 50], [51, 51], [50.5, 50.5], [50.2, 50.7]];
    const spread = [[0.5, 0.5], [10.5, 10.5], [0.2, 0.8], [10.2, 10.8], [0.7, 0.1], [10.9, 10.1]];
    const labels = [1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0];
    const isForget = labels.map((y) => y === 0);
    const names = ['f', 'a', 'b'];
    const a = forgetDispersion([...retain, ...clustered], isForget, labels, names);
    const b = forgetDispersion([...retain, ...spread], isForget, labels, names);
    expect(a.cohesion).toBeLessThan(0.2);
    expect(b.cohesion).toBeGreaterThan(1);
    expect(b.neighbourClasses.a).toBeCloseTo(0.5);
    expect(b.neighbourClasses.b).toBeCloseTo(0.5);
    expect(() => forgetDispersion([[0, 0]], [true], [0], names)).toThrow(/at least 2 forget/);
  });
});

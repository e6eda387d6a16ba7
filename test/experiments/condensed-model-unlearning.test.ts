import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import {
  CONDENSED_CUTS,
  CONDENSED_MODEL_PRESETS,
  condensedModelOf,
  condensedModelUnlearning,
  RECONDENSATION,
  recondense,
  runCondensedModelUnlearning,
  type CondensedModelResult,
} from '../../lib/experiments/condensed-model-unlearning';
import { OFFLINE_MODEL } from '../../lib/experiments/modular-unlearning';
import { mergeSeedResults } from '../../lib/sweep/seed-merge';
import { writeExperimentOutput } from '../../lib/experiments/shared/output';
import { makeDataset } from '../../lib/data/dataset';
import type { Classifier } from '../../lib/models/classifier';
import { createModel } from '../../lib/models/registry';
import { modular } from '../../lib/unlearn/methods/modular';
import { modularSplit } from '../../lib/unlearn/shared/modular-parts';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-condensed-model-'));
const SMALL = { channels: [4, 8, 8], hidden: [16] };
const CLASSIFIER = { widths: [4, 4, 8], hidden: 16, dropout: 0.5 };

/** Every parameter's values by name (copies). */
const snapshot = (m: Classifier) => new Map(m.namedParameters().map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
const changed = (a: Map<string, Float32Array>, b: Map<string, Float32Array>, prefix: string) =>
  [...a].filter(([n]) => n.startsWith(prefix)).map(([n, v]) => v.some((x, i) => x !== b.get(n)![i]));

function toyData(n: number, firstId = 0) {
  const per = 28 * 28;
  return makeDataset({
    name: 'toy', split: 'train', images: Float32Array.from({ length: n * per }, (_, i) => Math.sin(i * 0.37)), labels: Int32Array.from({ length: n }, (_, i) => i % 10),
    ids: Int32Array.from({ length: n }, (_, i) => firstId + i), shape: [28, 28, 1], classNames: Array.from({ length: 10 }, (_, i) => `c${i}`), mean: [0.3], std: [0.4],
  });
}

describe('condensed-model-unlearning runner (smoke preset)', () => {
  let r: CondensedModelResult;
  let tensorsBefore = 0;
  let tensorsAfter = 0;
  beforeAll(async () => {
    await init({ log: false });
    tensorsBefore = tf.memory().numTensors;
    r = await runCondensedModelUnlearning({ preset: 'smoke', cacheDir });
    tensorsAfter = tf.memory().numTensors;
  }, 600_000);

  it('measures Original, the offline model, the modular method, recondensation training and Retrain, without leaking tensors', () => {
    expect(r.rows.map((x) => x.method)).toEqual(['original', OFFLINE_MODEL, 'modular', RECONDENSATION, 'retrain']);
    for (const row of r.rows) {
      for (const k of ['retainAcc', 'forgetAcc', 'testAcc'] as const) expect(row[k]).toBeGreaterThanOrEqual(0);
      expect(row.miaLoss).toBeGreaterThanOrEqual(0);
      expect(row.miaLoss).toBeLessThanOrEqual(100);
    }
    for (const m of ['modular', RECONDENSATION, 'retrain']) expect(r.rows.find((x) => x.method === m)!.seconds).toBeGreaterThan(0);
    // Recondensation sees only the remembrance set, the modular method the reduced retain set.
    const s = r.setups[0];
    expect(r.rows.find((x) => x.method === RECONDENSATION)!.retainUsed).toBe(s.sizes.remembrance);
    expect(r.rows.find((x) => x.method === 'modular')!.retainUsed).toBe(s.reducedSize);
    expect(tensorsAfter).toBe(tensorsBefore);
  });

  it('merges single-seed cells into one result over the seeds (a sweep runs one seed per cell)', () => {
    const cell = (seed: number) => ({ ...r, rows: r.rows.map((x) => ({ ...x, seed })), setups: r.setups.map((x) => ({ ...x, seed })) });
    const m = mergeSeedResults('condensed-model-unlearning', [cell(0), cell(1)]) as CondensedModelResult;
    expect(m.rows).toHaveLength(2 * r.rows.length);
    expect(m.setups.map((x) => x.seed)).toEqual([0, 1]);
    expect(m.seconds).toBeCloseTo(2 * r.seconds, 10);
    // Every row of the table now stands on both seeds (a smoke run's rows may carry a status mark, e.g. 'retrain [chance]').
    for (const row of m.table.rows) expect(row.cells.testAcc!.n).toBe(2);
  });

  it('re-initialises Final in every offline round (its weight norm at the start differs round to round)', () => {
    const rounds = r.setups[0].offlineRounds;
    expect(rounds).toHaveLength(CONDENSED_MODEL_PRESETS.smoke.offline.iterations!);
    expect(rounds.length).toBeGreaterThanOrEqual(2);
    expect(new Set(rounds.map((x) => x.finalStartNorm.toPrecision(7))).size).toBe(rounds.length);
  });

  it('writes its tables and the dot plot, with the paper beside ours', async () => {
    const out = condensedModelUnlearning.output(r, { preset: 'smoke' });
    expect(Object.keys(out.tables).filter((k) => k !== 'gap')).toEqual(['table', 'preprocessing', 'offline-rounds', 'paper-comparison']);
    expect(out.tables['paper-comparison'].rows.map((x) => String(x[0]).replace(/ \[.*\]$/, ''))).toEqual(['original', 'modular', RECONDENSATION, 'retrain']);
    expect(out.figures).toHaveLength(1);
    const files = await writeExperimentOutput(fs.mkdtempSync(path.join(os.tmpdir(), 'condensed-out-')), out);
    expect(files.some((f) => f.endsWith('report.html'))).toBe(true);
  });
});

describe('the condensed model and its training', () => {
  beforeAll(async () => {
    await init({ log: false });
  });

  it('copies the encoder and decoder of the pretrained autoencoder and adds a new ConvClassifier', () => {
    const pre = createModel('autoencoder', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: SMALL });
    const c = condensedModelOf(pre, CLASSIFIER, 0);
    const a = snapshot(pre);
    const b = snapshot(c);
    for (const [n, v] of b) if (n.startsWith('features.encoder.') || n.startsWith('features.decoder.')) expect(v).toEqual(a.get(n));
    expect([...b.keys()].some((n) => n.startsWith('features.final.'))).toBe(true);
    pre.dispose();
    c.dispose();
  });

  it('the online phase trains only the part each pass names; recondensation trains only a fresh Final', async () => {
    const pre = createModel('autoencoder', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: SMALL });
    const c = condensedModelOf(pre, CLASSIFIER, 0);
    const data = toyData(20);
    const before = snapshot(c);
    // Beginning only (no Final steps, no Intermediate epochs): the decoder and the classifier stay as they were.
    const res = await modular.run({ original: c, retain: data, forget: toyData(2, 100), testPool: data, remembrance: data, seed: 0, config: { ...CONDENSED_CUTS, outerEpochs: 1, beginningEpochs: 1, finalSteps: 0, finalThreshold: 0, intermediateEpochs: 0, batchSize: 10 } });
    const after = snapshot(res.model);
    expect(changed(before, after, 'features.encoder.').some(Boolean)).toBe(true);
    expect(changed(before, after, 'features.decoder.').some(Boolean)).toBe(false);
    expect(changed(before, after, 'features.final.').some(Boolean)).toBe(false);
    expect(changed(before, after, 'classifier.').some(Boolean)).toBe(false);
    // Intermediate only: the decoder moves, the encoder does not.
    const res2 = await modular.run({ original: c, retain: data, forget: toyData(2, 100), testPool: data, remembrance: data, seed: 0, config: { ...CONDENSED_CUTS, outerEpochs: 1, beginningEpochs: 1, finalSteps: 0, finalThreshold: 0, intermediateEpochs: 1, lrOverture: 1e-12, batchSize: 10 } });
    const after2 = snapshot(res2.model);
    expect(changed(before, after2, 'features.decoder.').every(Boolean)).toBe(true);
    const re = await recondense(res.model, data, { epochs: 1, lr: 1e-3, batchSize: 10 }, 0);
    const reSnap = snapshot(re.model);
    expect(changed(after, reSnap, 'features.encoder.').some(Boolean)).toBe(false);
    expect(changed(after, reSnap, 'features.decoder.').some(Boolean)).toBe(false);
    expect(changed(after, reSnap, 'features.final.').every(Boolean)).toBe(true);
    expect(modularSplit(re.model, CONDENSED_CUTS).final.stageNames[0]).toBe('features.final.0');
    for (const m of [pre, c, res.model, res2.model, re.model]) m.dispose();
  }, 120_000);

  it('rejects bad input with clear errors', async () => {
    const cnn = createModel('cnn4', { inputShape: [28, 28, 1], numClasses: 10, options: { widths: [4, 4, 4, 4], hidden: 8 } });
    expect(() => condensedModelOf(cnn, CLASSIFIER, 0)).toThrow(/needs the pretrained autoencoder \(arch 'autoencoder', final 'mlp'\), got 'cnn4'/);
    cnn.dispose();
    await expect(runCondensedModelUnlearning({ preset: 'smoke', cacheDir, methods: ['cf'] })).rejects.toThrow(/--methods is not an option of this experiment/);
    await expect(runCondensedModelUnlearning({ preset: 'nope' as 'smoke', cacheDir })).rejects.toThrow(/preset/);
  });
});

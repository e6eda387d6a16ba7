import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset, type Dataset, type ImageShape } from '../../lib/data/dataset';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import type { Classifier } from '../../lib/models/classifier';
import { countParameters } from '../../lib/models/count';
import { ConvTranspose2d } from '../../lib/models/nn/conv-transpose';
import { createModel } from '../../lib/models/registry';
import { splitThreeParts } from '../../lib/models/three-part';
import { AUTOENCODER_CUTS, type AutoencoderFeatures } from '../../lib/models/zoo/autoencoder';
import { fit } from '../../lib/train/fit';

const SMALL = { channels: [4, 8, 8], hidden: [16, 16] };
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const featuresOf = (m: Classifier) => m.features as AutoencoderFeatures;

function batch(shape: ImageShape, n: number, seed: string): tf.Tensor4D {
  return tf.tensor4d(new Rng(seed).normalArray(n * shape[0] * shape[1] * shape[2]), [n, ...shape]);
}

/** A small normalised dataset (pixels uniform in [0, 1], normalised with mean 0.3, std 0.4). */
function toyData(n: number, shape: ImageShape): Dataset {
  const rng = new Rng('toy');
  const per = shape[0] * shape[1] * shape[2];
  const mean = Array(shape[2]).fill(0.3);
  const std = Array(shape[2]).fill(0.4);
  const images = Float32Array.from({ length: n * per }, () => (rng.next() - 0.3) / 0.4);
  return makeDataset({ name: 'toy', split: 'train', images, labels: Int32Array.from({ length: n }, (_, i) => i % 10), ids: Int32Array.from({ length: n }, (_, i) => i), shape, classNames: Array.from({ length: 10 }, (_, i) => `c${i}`), mean, std });
}

/** PyTorch's ConvTranspose2d written as its definition: out[i*s - p + a] += x[i] * w[a] (no bias). */
function naiveConvTranspose(x: Float32Array, [n, h, w, cin]: number[], wt: Float32Array, k: number, cout: number, s: number, p: number): Float32Array {
  const oh = (h - 1) * s - 2 * p + k;
  const ow = (w - 1) * s - 2 * p + k;
  const out = new Float32Array(n * oh * ow * cout);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let ci = 0; ci < cin; ci++) {
          const v = x[((b * h + i) * w + j) * cin + ci];
          for (let a = 0; a < k; a++)
            for (let c = 0; c < k; c++) {
              const y = i * s - p + a;
              const z = j * s - p + c;
              if (y < 0 || y >= oh || z < 0 || z >= ow) continue;
              for (let co = 0; co < cout; co++) out[((b * oh + y) * ow + z) * cout + co] += v * wt[((a * k + c) * cout + co) * cin + ci];
            }
        }
  return out;
}

describe('ConvTranspose2d', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('computes PyTorch\'s transposed convolution (4x4, stride 2, padding 1 doubles the size)', () => {
    const layer = new ConvTranspose2d(new Rng('ct'), 3, 2, 4, 2, 1, false);
    const x = batch([3, 5, 3], 2, 'ct-x');
    const y = layer.forward(x);
    expect(y.shape).toEqual([2, 6, 10, 2]);
    const expected = naiveConvTranspose(x.dataSync() as Float32Array, x.shape, layer.weight.dataSync() as Float32Array, 4, 2, 2, 1);
    const got = y.dataSync();
    expect(Math.max(...expected.map((v, i) => Math.abs(v - got[i])))).toBeLessThan(1e-5);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('has the gradient of its numerical derivative, for the input, the weight and the bias', () => {
    const layer = new ConvTranspose2d(new Rng('grad'), 2, 3, 4, 2, 1);
    const x = tf.variable(batch([3, 3, 2], 2, 'grad-x'));
    const r = batch([6, 6, 3], 2, 'grad-r');
    // L = sum(convT(x) * r) is linear in each of x, weight and bias, so a central difference is exact up to rounding.
    const loss = () => tf.sum(tf.mul(layer.forward(x), r)) as tf.Scalar;
    const vars = [x, layer.weight, layer.bias!];
    const { grads } = tf.variableGrads(loss, vars);
    const eps = 0.5;
    const rng = new Rng('probe');
    for (const v of vars) {
      const g = grads[v.name].dataSync();
      for (let probe = 0; probe < 6; probe++) {
        const i = rng.int(v.size);
        const base = v.dataSync().slice();
        const at = (delta: number) => {
          const moved = base.slice();
          moved[i] += delta;
          tf.tidy(() => v.assign(tf.tensor(moved, v.shape)));
          return tf.tidy(() => loss().dataSync()[0]);
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        tf.tidy(() => v.assign(tf.tensor(base, v.shape)));
        expect(Math.abs(numeric - g[i])).toBeLessThan(1e-3 * Math.max(1, Math.abs(g[i])));
      }
    }
    tf.dispose([x, r, ...Object.values(grads)]);
    layer.dispose();
  });

  it('rejects bad geometry and input with clear errors', () => {
    expect(() => new ConvTranspose2d(new Rng('bad'), 2, 3, 4, 0)).toThrow(/stride must be an integer >= 1/);
    expect(() => new ConvTranspose2d(new Rng('bad'), 2, 3, 2, 1, 2)).toThrow(/padding 2 must be smaller than the kernel 2/);
    const layer = new ConvTranspose2d(new Rng('bad'), 2, 3, 4, 2, 1);
    const x = tf.zeros([1, 4, 4, 3]);
    expect(() => layer.forward(x)).toThrow(/expects NHWC input \[n, h, w, 2\], got \[1, 4, 4, 3\]/);
    x.dispose();
    layer.dispose();
  });
});

describe('autoencoder', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  for (const shape of [[28, 28, 1], [32, 32, 3]] as ImageShape[]) {
    it(`on [${shape.join(',')}]: code, logits and a reconstruction in the padded 32x32 frame; the condensed model reads it`, () => {
      const start = tf.memory().numTensors;
      const m = createModel('autoencoder', { inputShape: shape, numClasses: 10, seed: 1 });
      expect(m.embedDim).toBe(2048);
      const x = batch(shape, 2, 'shape');
      const [emb, logits, rec] = tf.tidy(() => [m.embed(x).shape, m.predict(x).shape, featuresOf(m).reconstruct(x).shape]);
      expect(emb).toEqual([2, 2048]);
      expect(logits).toEqual([2, 10]);
      expect(rec).toEqual([2, 32, 32, shape[2]]);
      const c = createModel('autoencoder', { inputShape: shape, numClasses: 10, seed: 1, options: { final: 'conv-classifier' } });
      expect(tf.tidy(() => [c.embed(x).shape, c.predict(x).shape])).toEqual([[2, 512], [2, 10]]);
      if (shape[2] === 3) expect(countParameters(m)).toBe(3_087_949);
      // The condensed model = the same encoder and decoder + ConvClassifier(32x32x3): 1,792 + 73,856 + 295,168 + 2,097,664 + 5,130.
      if (shape[2] === 3) expect(countParameters(c)).toBe(3_087_949 - (2_098_176 + 524_800 + 131_328 + 2_570) + 1_792 + 73_856 + 295_168 + 2_097_664 + 5_130);
      tf.dispose(x);
      m.dispose();
      c.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }, 60_000);
  }

  it('the condensed model splits as encoder | decoder | ConvClassifier, and the parts compose to the model', () => {
    const m = createModel('autoencoder', { inputShape: [28, 28, 1], numClasses: 10, seed: 2, options: { channels: [4, 8, 8], final: 'conv-classifier', classifierWidths: [4, 4, 8], classifierHidden: 16 } });
    const split = splitThreeParts(m, AUTOENCODER_CUTS);
    expect(split.beginning.stageNames).toEqual(['features.encoder.0', ...Array.from({ length: 6 }, (_, i) => `features.encoder.${i + 1}`)]);
    expect(split.intermediate.stageNames).toEqual(Array.from({ length: 6 }, (_, i) => `features.decoder.${i}`));
    expect(split.final.stageNames.at(-1)).toBe('classifier');
    expect(split.final.namedParameters().every(([n]) => n.startsWith('features.final.') || n.startsWith('classifier.'))).toBe(true);
    const x = batch([28, 28, 1], 3, 'compose');
    tf.tidy(() => {
      expect(maxAbsDiff(split.forward(x, false), m.predict(x))).toBe(0);
      const code = split.beginning.forward(x, false);
      expect(code.shape).toEqual([3, 4, 4, 8]);
      const image = split.intermediate.forward(code, false);
      expect(maxAbsDiff(image, featuresOf(m).reconstruct(x))).toBe(0);
      expect(image.min().dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(image.max().dataSync()[0]).toBeLessThanOrEqual(1);
    });
    x.dispose();
    m.dispose();
  });

  it("the reconstruction target: 'pixels' is the padded image un-normalised (mean in the frame), 'normalised' the padded input", () => {
    const ds = toyData(4, [28, 28, 1]);
    const x = tf.tensor4d(ds.images, [4, 28, 28, 1]);
    for (const target of ['pixels', 'normalised'] as const) {
      const m = createModel('autoencoder', { inputShape: [28, 28, 1], numClasses: 10, seed: 3, options: { ...SMALL, reconstructionTarget: target } });
      const f = featuresOf(m);
      tf.tidy(() => {
        const t = f.reconstructionTarget(x, target, ds);
        expect(t.shape).toEqual([4, 32, 32, 1]);
        const inner = t.slice([0, 2, 2, 0], [4, 28, 28, 1]);
        const want = target === 'pixels' ? x.mul(0.4).add(0.3) : x;
        expect(maxAbsDiff(inner, want)).toBeLessThan(1e-6);
        // The frame: zero in normalised space, i.e. the mean pixel.
        expect(t.slice([0, 0, 0, 0], [4, 2, 32, 1]).abs().sub(target === 'pixels' ? 0.3 : 0).abs().max().dataSync()[0]).toBeLessThan(1e-6);
        if (target === 'pixels') {
          expect(t.min().dataSync()[0]).toBeGreaterThanOrEqual(-1e-6);
          expect(t.max().dataSync()[0]).toBeLessThanOrEqual(1 + 1e-6);
        }
        // The auxiliary term is 0.5 x MSE(reconstruction, that target).
        const mse = tf.mean(tf.squaredDifference(f.reconstruct(x, true), t)).dataSync()[0];
        expect(f.auxiliaryLoss(x, ds)!.dataSync()[0]).toBeCloseTo(0.5 * mse, 6);
      });
      m.dispose();
    }
    x.dispose();
  });

  it('fit trains the decoder through the reconstruction term, lowering the error, without leaking tensors', async () => {
    const ds = toyData(40, [28, 28, 1]);
    const x = tf.tensor4d(ds.images.slice(0, 8 * 784), [8, 28, 28, 1]);
    const decoderOf = (m: Classifier) => m.namedParameters().filter(([n]) => n.startsWith('features.decoder.')).map(([, v]) => Float32Array.from(v.dataSync()));
    const reconError = (m: Classifier) => tf.tidy(() => tf.mean(tf.squaredDifference(featuresOf(m).reconstruct(x), featuresOf(m).reconstructionTarget(x, 'pixels', ds))).dataSync()[0]);
    const m = createModel('autoencoder', { inputShape: [28, 28, 1], numClasses: 10, seed: 4, options: SMALL });
    const before = decoderOf(m);
    const errorBefore = reconError(m);
    const tensors = tf.memory().numTensors;
    await fit(m, ds, { epochs: 3, batchSize: 10, lr: 1e-2, optimizer: { kind: 'adam' }, seed: 1 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(decoderOf(m).every((a, i) => a.some((v, j) => v !== before[i][j]))).toBe(true);
    expect(reconError(m)).toBeLessThan(errorBefore);
    m.dispose();
    x.dispose();
  }, 60_000);

  it('rejects options of the other final and bad values with clear errors', () => {
    const make = (options: Record<string, unknown>) => createModel('autoencoder', { inputShape: [28, 28, 1], numClasses: 10, options });
    expect(() => make({ classifierWidths: [4, 4, 4] })).toThrow(/unknown option\(s\) 'classifierWidths'/);
    expect(() => make({ final: 'conv-classifier', hidden: [8] })).toThrow(/unknown option\(s\) 'hidden'/);
    expect(() => make({ reconstructionTarget: 'raw' })).toThrow(/'reconstructionTarget' must be one of 'pixels', 'normalised'/);
    expect(() => make({ final: 'vgg' })).toThrow(/'final' must be one of 'mlp', 'conv-classifier'/);
    expect(() => make({ reconstructionWeight: 0 })).toThrow(/'reconstructionWeight' must be > 0/);
  });
});

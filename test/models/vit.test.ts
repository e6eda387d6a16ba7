import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { expectNoLeak } from '../../lib/engine/leaks';
import { Rng } from '../../lib/engine/rng';
import type { ImageShape } from '../../lib/data/dataset';
import type { Classifier } from '../../lib/models/classifier';
import { countParameters } from '../../lib/models/count';
import { LayerNorm, MultiHeadSelfAttention, gelu, layerNorm } from '../../lib/models/nn/transformer';
import { createModel } from '../../lib/models/registry';
import { splitThreeParts } from '../../lib/models/three-part';
import { crossEntropy } from '../../lib/train/losses';
import { createOptimizer } from '../../lib/train/optimizers';
import { trainStep } from '../../lib/train/step';

/** A ViT small enough for a few training steps on 2 cores: the same architecture, narrower and shallower. */
const SMALL = { depth: 3, embedDim: 32, heads: 2 };

function batch(shape: ImageShape, n: number, seed: string): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const x = tf.tensor4d(rng.normalArray(n * shape[0] * shape[1] * shape[2]), [n, ...shape]);
  const y = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 10), 'int32');
  return { x, y };
}

const vit = (inputShape: ImageShape, options: Record<string, unknown> = {}, seed: number | string = 1): Classifier =>
  createModel('vit-tiny', { inputShape, numClasses: 10, seed, options });

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** Row-major [rows][cols] copy of a 2-D variable. */
const rows = (v: tf.Tensor): number[][] => v.arraySync() as number[][];

/** LayerNorm of one vector, with plain loops (biased variance, as PyTorch). */
function layerNormRef(x: number[], w: number[], b: number[], eps: number): number[] {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * w[i] + b[i]);
}

/** x W + b for one token; W is [in][out]. */
const affine = (x: number[], w: number[][], b: number[]) => b.map((bj, j) => x.reduce((s, xi, i) => s + xi * w[i][j], bj));

/**
 * Self-attention of one sequence with plain loops: qkv = x Wqkv + b laid out (q|k|v, head, headDim);
 * per head softmax(q k^T / sqrt(hd)) v; heads concatenated; then proj.
 */
function attentionRef(x: number[][], wqkv: number[][], bqkv: number[], wproj: number[][], bproj: number[], heads: number): number[][] {
  const d = x[0].length;
  const hd = d / heads;
  const qkv = x.map((t) => affine(t, wqkv, bqkv));
  const concat = x.map(() => new Array<number>(d).fill(0));
  for (let h = 0; h < heads; h++) {
    const q = (i: number, j: number) => qkv[i][h * hd + j];
    const k = (i: number, j: number) => qkv[i][d + h * hd + j];
    const v = (i: number, j: number) => qkv[i][2 * d + h * hd + j];
    for (let i = 0; i < x.length; i++) {
      const scores = x.map((_, m) => {
        let s = 0;
        for (let j = 0; j < hd; j++) s += q(i, j) * k(m, j);
        return s / Math.sqrt(hd);
      });
      const top = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - top));
      const z = e.reduce((a, c) => a + c, 0);
      for (let j = 0; j < hd; j++) concat[i][h * hd + j] = e.reduce((s, em, m) => s + (em / z) * v(m, j), 0);
    }
  }
  return concat.map((t) => affine(t, wproj, bproj));
}

describe('vit-tiny', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('has the parameter count derived in lib/models/zoo/vit.ts, and timm-named parameters', () => {
    const start = tf.memory().numTensors;
    const m32 = vit([32, 32, 3]);
    // cls 192 + pos 65*192 + patch 4*4*3*192+192 + 12 blocks x 444,864 + norm 384 + head 192*10+10.
    const perBlock = 2 * 384 + (192 * 576 + 576) + (192 * 192 + 192) + (192 * 768 + 768) + (768 * 192 + 192);
    expect(perBlock).toBe(444_864);
    expect(countParameters(m32)).toBe(192 + 65 * 192 + (4 * 4 * 3 * 192 + 192) + 12 * perBlock + 384 + (192 * 10 + 10));
    expect(countParameters(m32)).toBe(5_362_762);
    expect(countParameters(m32, { buffers: true })).toBe(5_362_762);
    const names = m32.namedParameters().map(([n]) => n);
    expect(names.slice(0, 4)).toEqual(['features.cls_token', 'features.pos_embed', 'features.patch_embed.proj.weight', 'features.patch_embed.proj.bias']);
    expect(names).toContain('features.blocks.11.attn.qkv.weight');
    expect(names).toContain('features.blocks.0.mlp.fc2.bias');
    expect(names.slice(-4)).toEqual(['features.norm.weight', 'features.norm.bias', 'classifier.weight', 'classifier.bias']);
    const byName = new Map(m32.namedParameters());
    expect(byName.get('features.pos_embed')!.shape).toEqual([1, 65, 192]);
    expect(byName.get('features.blocks.0.attn.qkv.weight')!.shape).toEqual([192, 576]);
    // Init: pos-embed zero (the reference's), linear weights trunc-normal(0.02), linear biases zero, LayerNorm ones/zeros.
    tf.tidy(() => {
      expect(byName.get('features.pos_embed')!.abs().max().dataSync()[0]).toBe(0);
      const { mean, variance } = tf.moments(byName.get('features.blocks.3.mlp.fc1.weight')!);
      expect(Math.abs(mean.dataSync()[0])).toBeLessThan(1e-3);
      expect(Math.sqrt(variance.dataSync()[0])).toBeCloseTo(0.02, 3);
      expect(byName.get('features.blocks.3.attn.proj.bias')!.abs().max().dataSync()[0]).toBe(0);
      expect(byName.get('features.blocks.3.norm2.weight')!.min().dataSync()[0]).toBe(1);
      expect(byName.get('classifier.bias')!.abs().max().dataSync()[0]).toBe(0);
    });
    m32.dispose();
    // 28x28x1 (Fashion-MNIST): 7x7 = 49 patches + cls = 50 tokens.
    const m28 = vit([28, 28, 1]);
    expect(countParameters(m28)).toBe(192 + 50 * 192 + (4 * 4 * 1 * 192 + 192) + 12 * perBlock + 384 + (192 * 10 + 10));
    expect(countParameters(m28)).toBe(5_353_738);
    m28.dispose();
    // zeroPosEmbed: false draws timm's trunc-normal position embedding instead.
    const drawn = vit([8, 8, 1], { ...SMALL, zeroPosEmbed: false });
    expect(tf.tidy(() => new Map(drawn.namedParameters()).get('features.pos_embed')!.abs().max().dataSync()[0])).toBeGreaterThan(0);
    drawn.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('gives [n, classes] logits and [n, embedDim] features on 32x32x3 and 28x28x1 (the default ViT-tiny)', () => {
    for (const shape of [[32, 32, 3], [28, 28, 1]] as ImageShape[]) {
      const m = vit(shape);
      expect(m.embedDim).toBe(192);
      const { x, y } = batch(shape, 2, 'shape');
      tf.tidy(() => {
        expect(m.embed(x).shape).toEqual([2, 192]);
        const logits = m.predict(x);
        expect(logits.shape).toEqual([2, 10]);
        expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
      });
      tf.dispose([x, y]);
      m.dispose();
    }
  });

  it('splits into Beginning / Intermediate / Final at the reference cuts and the parts compose to forward()', () => {
    const m = vit([32, 32, 3], { depth: 4, embedDim: 32, heads: 2 });
    const split = splitThreeParts(m);
    expect(split.parts.map((p) => p.stageNames)).toEqual([
      ['features', 'features.blocks.0', 'features.blocks.1'],
      ['features.blocks.2', 'features.blocks.3', 'features.norm'],
      ['features.pool', 'classifier'],
    ]);
    expect(split.beginning.namedParameters().map(([n]) => n).slice(0, 3)).toEqual(['features.cls_token', 'features.pos_embed', 'features.patch_embed.proj.weight']);
    expect(split.final.namedParameters().map(([n]) => n)).toEqual(['classifier.weight', 'classifier.bias']);
    const { x, y } = batch([32, 32, 3], 3, 'split');
    tf.tidy(() => {
      const h1 = split.beginning.forward(x, false);
      expect(h1.shape).toEqual([3, 65, 32]);
      const h2 = split.intermediate.forward(h1, false);
      expect(h2.shape).toEqual([3, 65, 32]);
      for (const training of [false, true]) {
        expect(maxAbsDiff(split.final.forward(h2, training), m.forward(x, training))).toBeLessThan(1e-6);
        expect(maxAbsDiff(split.forward(x, training), m.forward(x, training))).toBeLessThan(1e-6);
      }
    });
    tf.dispose([x, y]);
    m.dispose();
    const shallow = vit([8, 8, 1], { depth: 2, embedDim: 8, heads: 2 });
    expect(() => splitThreeParts(shallow)).toThrow(/splitThreeParts\('vit-tiny'\): the reference splits the ViT .* needs at least 3 blocks \(option depth >= 3\); this one has 2\. Pass intermediateFrom/);
    shallow.dispose();
  });

  it('a training step changes every parameter, the loss falls over Adam steps, no tensor leaks', async () => {
    const m = vit([32, 32, 3], SMALL, 7);
    const { x, y } = batch([32, 32, 3], 8, 'train');
    const before = new Map(m.namedParameters().map(([n, v]) => [n, Float32Array.from(v.dataSync())]));
    // forward + backward leaves nothing behind once its results are disposed.
    await expectNoLeak('vit forward+backward', () => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(m.forward(x, true), y));
      const zero = Object.entries(grads).filter(([, g]) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]) === 0);
      expect(zero.map(([n]) => n)).toEqual([]);
      value.dispose();
      tf.dispose(grads);
    });
    const opt = createOptimizer({ kind: 'adam' });
    const losses: number[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const loss = trainStep(m, opt, x, y, 1e-3);
      losses.push(loss.dataSync()[0]);
      loss.dispose();
      counts.push(tf.memory().numTensors);
      if (i === 0) {
        for (const [n, v] of m.namedParameters()) expect(Array.from(v.dataSync()), `${n} unchanged by one step`).not.toEqual(Array.from(before.get(n)!));
      }
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[4]).toBeLessThan(losses[0] - 0.1);
    // The optimiser's state appears at step 1; later steps leave the count flat.
    expect(counts[4]).toBe(counts[0]);
    opt.dispose();
    tf.dispose([x, y]);
    m.dispose();
  });

  it('LayerNorm matches a hand computation (2 tokens, dim 4) and its written-out gradient matches autodiff', () => {
    const ln = new LayerNorm(4, 1e-6);
    const w = [1.5, -0.5, 2, 0.25];
    const b = [0.1, 0.2, -0.3, 0];
    ln.weight.assign(tf.tensor1d(w));
    ln.bias.assign(tf.tensor1d(b));
    const x = [
      [1, 2, 3, 4],
      [-2, 0.5, 0.5, 7],
    ];
    const got = tf.tidy(() => ln.forward(tf.tensor3d([x])).arraySync() as number[][][]);
    const want = x.map((t) => layerNormRef(t, w, b, 1e-6));
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) expect(got[0][i][j]).toBeCloseTo(want[i][j], 5);
    // The written-out gradient equals autodiff of the plain formula, for x, weight and bias.
    tf.tidy(() => {
      const xs = tf.tensor3d(new Rng('ln').normalArray(2 * 3 * 4), [2, 3, 4]);
      const dy = tf.tensor3d(new Rng('dy').normalArray(2 * 3 * 4), [2, 3, 4]);
      const plain = (t: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) => {
        const { mean, variance } = tf.moments(t, 2, true);
        return tf.add(tf.mul(tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-6))), wt), bt);
      };
      const loss = (norm: typeof plain) => (t: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(norm(t, wt, bt), dy));
      const args = [xs, tf.tensor1d(w), tf.tensor1d(b)];
      const ours = tf.grads(loss((t, wt, bt) => layerNorm(t, wt, bt, 1e-6)))(args);
      const reference = tf.grads(loss(plain))(args);
      ours.forEach((g, i) => expect(maxAbsDiff(g, reference[i]), `gradient ${i}`).toBeLessThan(1e-5));
      expect(maxAbsDiff(reference[0], tf.zerosLike(reference[0]))).toBeGreaterThan(1e-2);
    });
    ln.dispose();
  });

  it('multi-head self-attention matches a hand computation (2 tokens, dim 4, 2 heads); GELU is the exact erf form', () => {
    const attn = new MultiHeadSelfAttention(new Rng('attn'), 4, 2);
    // Larger weights than the 0.02 init, so the softmax is far from uniform and a layout error would show.
    tf.tidy(() => {
      attn.qkv.weight.assign(tf.mul(attn.qkv.weight, 40));
      attn.qkv.bias!.assign(tf.tensor1d(new Rng('b').normalArray(12)));
      attn.proj.weight.assign(tf.mul(attn.proj.weight, 40));
      attn.proj.bias!.assign(tf.tensor1d(new Rng('p').normalArray(4)));
    });
    const x = [
      [0.5, -1, 2, 0.3],
      [1.2, 0.7, -0.4, -2],
    ];
    const want = attentionRef(x, rows(attn.qkv.weight), Array.from(attn.qkv.bias!.dataSync()), rows(attn.proj.weight), Array.from(attn.proj.bias!.dataSync()), 2);
    const got = tf.tidy(() => attn.forward(tf.tensor3d([x, [x[1], x[0]]])).arraySync() as number[][][]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) expect(got[0][i][j]).toBeCloseTo(want[i][j], 4);
    // Attention without position information is permutation-equivariant: the swapped sequence gives swapped outputs.
    for (let j = 0; j < 4; j++) expect(got[1][1][j]).toBeCloseTo(want[0][j], 4);
    attn.dispose();
    // x * Phi(x): Phi(1) = 0.841344746..., Phi(-1) = 0.158655253..., Phi(2) = 0.977249868...
    const g = tf.tidy(() => Array.from(gelu(tf.tensor1d([0, 1, -1, 2])).dataSync()));
    [0, 0.8413447460685429, -0.15865525393145707, 1.9544997361036416].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 5));
  });

  it('rejects bad shapes and options with clear errors, leaking nothing', () => {
    const start = tf.memory().numTensors;
    expect(() => vit([30, 30, 3])).toThrow(
      'vit-tiny: a 30x30 image does not divide into 4x4 patches. Pass option patch as a size that divides both sides (1, 2, 3, 5, 6, 10, 15, 30), or resize the images.',
    );
    expect(() => vit([32, 32, 3], { patch: 5 })).toThrow(/a 32x32 image does not divide into 5x5 patches.*\(1, 2, 4, 8, 16, 32\)/);
    expect(() => vit([32, 32, 3], { embedDim: 64, heads: 3 })).toThrow('vit-tiny: option embedDim 64 is not divisible by option heads 3');
    expect(() => vit([32, 32, 3], { dpeth: 2 })).toThrow(/vit-tiny: unknown option\(s\) 'dpeth'/);
    expect(() => vit([32, 32, 3], { depth: 0 })).toThrow(/option 'depth' must be an integer >= 1, got 0/);
    expect(() => vit([32, 32, 3], { zeroPosEmbed: 'yes' })).toThrow(/option 'zeroPosEmbed' must be true or false/);
    expect(tf.memory().numTensors).toBe(start);
    // A model built for 32x32x3 names the shape it expects when given Fashion-MNIST images.
    const m = vit([32, 32, 3], SMALL);
    const wrong = tf.zeros([2, 28, 28, 1]);
    expect(() => m.predict(wrong)).toThrow('vit-tiny expects NHWC input [n, 32, 32, 3], got [2, 28, 28, 1].');
    wrong.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import type { ImageShape } from '../../lib/data/dataset';
import type { Classifier } from '../../lib/models/classifier';
import { countParameters } from '../../lib/models/count';
import { createModel, modelNames } from '../../lib/models/registry';
import { createOptimizer } from '../../lib/train/optimizers';
import { trainStep } from '../../lib/train/step';

interface Row {
  arch: string;
  options?: Record<string, unknown>;
  inputShape: ImageShape;
  /** Trainable parameters of the reference PyTorch model, derived by hand in the zoo file's comment. */
  params: number;
  embedDim: number;
  /** Batch-norm running statistics (2 x channels), when the model has batch norm. */
  buffers?: number;
  /** Options of a narrower variant for the training step (keeps the test fast on 2 cores). */
  small?: Record<string, unknown>;
}

const C32: ImageShape = [32, 32, 3];

// Reference parameter counts for 10 classes (see each zoo file for the derivation).
const ROWS: Row[] = [
  { arch: 'convnet', inputShape: C32, params: 320_010, embedDim: 2048 },
  { arch: 'convnet', options: { norm: 'none' }, inputShape: C32, params: 319_242, embedDim: 2048 },
  { arch: 'convnet', options: { width: 8, depth: 2, norm: 'batch', pooling: 'max' }, inputShape: [12, 12, 1], params: 80 + 16 + 584 + 16 + 8 * 9 * 10 + 10, embedDim: 72, buffers: 32 },
  { arch: 'convnet', options: { width: 4, depth: 2, pooling: 'none' }, inputShape: [6, 6, 1], params: 40 + 8 + 148 + 8 + 144 * 10 + 10, embedDim: 144 },
  { arch: 'mlp', inputShape: C32, params: 411_146, embedDim: 128 },
  { arch: 'mlp', options: { hidden: [512, 128] }, inputShape: C32, params: 1_640_330, embedDim: 128 },
  { arch: 'lenet', inputShape: C32, params: 62_006, embedDim: 84 },
  { arch: 'lenet', inputShape: [28, 28, 1], params: 44_426, embedDim: 84 },
  { arch: 'lenet', options: { firstPadding: 2, pooling: 'avg' }, inputShape: [28, 28, 1], params: 61_706, embedDim: 84 },
  { arch: 'resnet18', inputShape: C32, params: 11_173_962, embedDim: 512, buffers: 9600, small: { width: 8 } },
  { arch: 'resnet18', options: { norm: 'instance' }, inputShape: C32, params: 11_173_962, embedDim: 512, small: { norm: 'instance', width: 8 } },
  // torchvision's resnet18(num_classes=10) (7x7 stem): 11,689,512 - 513,000 + 5,130 = 11,181,642.
  { arch: 'resnet18', options: { stem: 'imagenet' }, inputShape: C32, params: 11_181_642, embedDim: 512, buffers: 9600, small: { stem: 'imagenet', width: 8 } },
  { arch: 'resnet50', inputShape: C32, params: 23_520_842, embedDim: 2048, buffers: 2 * 26_560, small: { width: 4 } },
  { arch: 'vgg16', inputShape: C32, params: 33_638_218, embedDim: 4096, small: { widthFactor: 0.125, classifierWidth: 64, dropout: 0 } },
  { arch: 'allcnn', inputShape: C32, params: 1_620_010, embedDim: 192, buffers: 2 * 1344, small: { widthFactor: 0.25 } },
  { arch: 'cnn4', inputShape: C32, params: 1_449_226, embedDim: 1024, buffers: 2 * 480 },
  { arch: 'vit-tiny', inputShape: C32, params: 5_362_762, embedDim: 192, small: { depth: 2, embedDim: 32, heads: 2 } },
  { arch: 'vit-tiny', inputShape: [28, 28, 1], params: 5_353_738, embedDim: 192, small: { depth: 2, embedDim: 32, heads: 2 } },
];

function batch(shape: ImageShape, n: number, seed: string): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const x = tf.tensor4d(rng.normalArray(n * shape[0] * shape[1] * shape[2]), [n, ...shape]);
  const y = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 10), 'int32');
  return { x, y };
}

/** Adam steps on one tiny batch; returns the losses and the tensor count after the first and the last step. */
function steps(model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, n: number) {
  const opt = createOptimizer({ kind: 'adam' });
  const losses: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const loss = trainStep(model, opt, x, y, 1e-3);
    losses.push(loss.dataSync()[0]);
    loss.dispose();
    counts.push(tf.memory().numTensors);
  }
  opt.dispose();
  return { losses, counts };
}

describe('model zoo', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('registers every architecture', () => {
    expect(modelNames().sort()).toEqual(['allcnn', 'autoencoder', 'cnn4', 'convnet', 'lenet', 'mlp', 'resnet18', 'resnet50', 'vgg16', 'vit-tiny']);
  });

  for (const r of ROWS) {
    it(`${r.arch} ${JSON.stringify(r.options ?? {})} on [${r.inputShape.join(',')}]: reference parameter count, shapes, a training step on wasm`, () => {
      expect(tf.getBackend()).toBe('wasm');
      const start = tf.memory().numTensors;
      const model = createModel(r.arch, { inputShape: r.inputShape, numClasses: 10, seed: 1, options: r.options });
      expect(countParameters(model)).toBe(r.params);
      expect(countParameters(model, { buffers: true })).toBe(r.params + (r.buffers ?? 0));
      expect(model.embedDim).toBe(r.embedDim);
      const { x, y } = batch(r.inputShape, 4, r.arch);
      const [embShape, logitShape] = tf.tidy(() => [model.embed(x).shape, model.predict(x).shape]);
      expect(embShape).toEqual([4, r.embedDim]);
      expect(logitShape).toEqual([4, 10]);
      model.dispose();
      // The training step runs on the same architecture, narrower where the reference is large.
      const trained = r.small ? createModel(r.arch, { inputShape: r.inputShape, numClasses: 10, seed: 1, options: r.small }) : createModel(r.arch, { inputShape: r.inputShape, numClasses: 10, seed: 1, options: r.options });
      const { losses, counts } = steps(trained, x, y, 4);
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[3]).toBeLessThan(losses[0]);
      // No tensor leaks from a training step (the optimiser's state appears at step 1).
      expect(counts[3]).toBe(counts[0]);
      tf.dispose([x, y]);
      trained.dispose();
      expect(tf.memory().numTensors).toBe(start);
    }, 60_000);
  }

  it('names parameters like the PyTorch state_dict', () => {
    const m = createModel('resnet18', { inputShape: [8, 8, 3], numClasses: 10, options: { width: 4 } });
    const names = m.namedParameters().map(([n]) => n);
    expect(names.slice(0, 3)).toEqual(['features.conv1.weight', 'features.bn1.weight', 'features.bn1.bias']);
    expect(names).toContain('features.layer2.0.shortcut.0.weight');
    expect(names).toContain('features.layer4.1.bn2.bias');
    expect(names.at(-1)).toBe('classifier.bias');
    expect(m.namedBuffers().map(([n]) => n)).toContain('features.layer3.0.shortcut.1.running_var');
    m.dispose();
  });

  it('dropout is active in training only, with seeded masks', () => {
    const make = () => createModel('cnn4', { inputShape: [16, 16, 3], numClasses: 10, seed: 5, options: { widths: [4, 4, 4, 4], hidden: 64 } });
    const [a, b] = [make(), make()];
    const { x, y } = batch([16, 16, 3], 2, 'dropout');
    tf.tidy(() => {
      const ta = a.forward(x, true).dataSync();
      const tb = b.forward(x, true).dataSync();
      expect(Array.from(ta)).toEqual(Array.from(tb));
      // Batch norm uses batch statistics in training; compare the embedding before dropout instead.
      const train = a.embed(x, true).dataSync();
      const zeros = train.filter((v) => v === 0).length;
      const evalEmb = a.embed(x, false).dataSync();
      expect(zeros).toBeGreaterThan(evalEmb.filter((v) => v === 0).length);
    });
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('rejects bad options and too-small inputs with clear errors', () => {
    const mk = (arch: string, options: Record<string, unknown>, inputShape: ImageShape = C32) => () =>
      createModel(arch, { inputShape, numClasses: 10, options });
    const before = tf.memory().numTensors;
    expect(mk('convnet', { widht: 8 })).toThrow(/convnet: unknown option\(s\) 'widht'/);
    expect(mk('convnet', { norm: 'group' })).toThrow(/option 'norm' must be one of 'instance', 'batch', 'none'/);
    expect(mk('convnet', { width: 0 })).toThrow(/option 'width' must be an integer >= 1/);
    expect(mk('resnet18', { norm: 'none' })).toThrow(/resnet18: option 'norm' must be one of 'instance', 'batch'/);
    expect(mk('vgg16', {}, [28, 28, 1])).toThrow(/vgg16: the input image is too small/);
    expect(mk('convnet', { depth: 6 }, [28, 28, 1])).toThrow(/too small/);
    expect(mk('cnn4', { widths: [8, 8] })).toThrow(/'widths' must be a list of 4 positive integers/);
    expect(mk('allcnn', { dropout: 'yes' })).toThrow(/'dropout' must be true or false/);
    expect(mk('toString', {})).toThrow(/Unknown model 'toString'/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { Rng } from '../../lib/engine/rng';
import type { ImageShape } from '../../lib/data/dataset';
import type { Classifier } from '../../lib/models/classifier';
import { createModel } from '../../lib/models/registry';
import { PART_NAMES, splitThreeParts, type ThreePartModel } from '../../lib/models/three-part';
import { crossEntropy } from '../../lib/train/losses';
import { Sgd } from '../../lib/train/optimizers';
import { descend } from '../../lib/train/step';

const C32: ImageShape = [32, 32, 3];

/** 'features.a' .. 'features.(b-1)'. */
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => `features.${a + i}`);

interface Case {
  arch: string;
  inputShape: ImageShape;
  /** The reference's architecture at reduced widths where the zoo allows. */
  options: Record<string, unknown>;
  /** Stage paths of Beginning, Intermediate, Final at the reference's cut points (spec B2). */
  parts: [string[], string[], string[]];
}

const CASES: Case[] = [
  // Flatten, fc1, ReLU | fc2, ReLU | fc3.
  { arch: 'mlp', inputShape: [28, 28, 1], options: { hidden: [512, 128] }, parts: [range(0, 3), range(3, 5), ['classifier']] },
  // 4 layers per block (conv, BN, ReLU, pool): blocks 1-2 | blocks 3-4 + flatten | fc1, ReLU, dropout, fc2.
  { arch: 'cnn4', inputShape: C32, options: { widths: [4, 4, 8, 8], hidden: 16 }, parts: [range(0, 8), range(8, 17), [...range(17, 20), 'classifier']] },
  // The stem's conv1 and bn1 sit directly on features, hence its path 'features'.
  {
    arch: 'resnet18',
    inputShape: C32,
    options: { stem: 'imagenet', width: 4 },
    parts: [['features', 'features.layer1', 'features.layer2'], ['features.layer3'], ['features.layer4', 'features.avgpool', 'classifier']],
  },
  // torchvision's features[0:10] | features[10:20] | features[20:31], flatten, classifier[0:6] | classifier[6].
  { arch: 'vgg16', inputShape: C32, options: { widthFactor: 1 / 16, classifierWidth: 16 }, parts: [range(0, 10), range(10, 20), [...range(20, 38), 'classifier']] },
  // Patch embed + cls + pos (on features itself, hence 'features') + blocks[0:2] | blocks[2:] + norm | cls-token pool + head.
  {
    arch: 'vit-tiny',
    inputShape: C32,
    options: { depth: 4, embedDim: 16, heads: 2 },
    parts: [['features', 'features.blocks.0', 'features.blocks.1'], ['features.blocks.2', 'features.blocks.3', 'features.norm'], ['features.pool', 'classifier']],
  },
];

function batch(shape: ImageShape, n: number, seed: string): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const x = tf.tensor4d(rng.normalArray(n * shape[0] * shape[1] * shape[2]), [n, ...shape]);
  const y = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 10), 'int32');
  return { x, y };
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** Every parameter's values, by variable (copies, so later steps do not change them). */
const snapshot = (m: Classifier) => new Map(m.parameters().map((v) => [v, Buffer.from(v.dataSync().buffer.slice(0))]));

function sgdStepWithFrozen(split: ThreePartModel, frozen: string, x: tf.Tensor4D, y: tf.Tensor1D): void {
  for (const p of split.parts) p.trainable = p.name !== frozen;
  const opt = new Sgd();
  tf.tidy(() => {
    descend(split.trainableParameters(), opt, () => crossEntropy(split.forward(x, true), y), 0.5);
  });
  opt.dispose();
}

describe('three-part split (Beginning / Intermediate / Final)', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  for (const c of CASES) {
    it(`${c.arch}: reference cut points, shared variables, composition, freezing, no leaks`, () => {
      const start = tf.memory().numTensors;
      const model = createModel(c.arch, { inputShape: c.inputShape, numClasses: 10, seed: 3, options: c.options });
      const split = splitThreeParts(model);
      expect(split.parts.map((p) => p.stageNames)).toEqual(c.parts);
      const { x, y } = batch(c.inputShape, 6, c.arch);

      // (a) The parts compose to the model's forward in inference mode.
      const afterSplit = tf.memory().numTensors;
      tf.tidy(() => {
        const whole = model.predict(x);
        const h1 = split.beginning.forward(x, false);
        const h2 = split.intermediate.forward(h1, false);
        expect(maxAbsDiff(split.final.forward(h2, false), whole)).toBeLessThan(1e-5);
        expect(maxAbsDiff(split.forward(x, false), whole)).toBeLessThan(1e-5);
        // Negative logits exist, so the reference's ReLU on them (off by default) would show.
        expect(whole.min().dataSync()[0]).toBeLessThan(0);
      });
      expect(tf.memory().numTensors).toBe(afterSplit);

      // (b) The parts hold the model's own variables under the model's names, disjoint, covering all of them.
      const named = new Map([...model.namedParameters(), ...model.namedBuffers()]);
      const seen = new Set<tf.Variable>();
      for (const p of split.parts) {
        expect(p.parameters().length).toBeGreaterThan(0);
        for (const [name, v] of [...p.namedParameters(), ...p.namedBuffers()]) {
          expect(named.get(name), `${p.name}: ${name}`).toBe(v);
          expect(seen.has(v), `${name} in two parts`).toBe(false);
          seen.add(v);
        }
      }
      expect(seen.size).toBe(named.size);
      expect(new Set(split.parts.flatMap((p) => p.parameters()))).toEqual(new Set(model.parameters()));

      // (c) One SGD step through the composed model with one part frozen: that part bit-identical, the others changed.
      const partOf = new Map(split.parts.flatMap((p) => p.parameters().map((v) => [v, p.name] as const)));
      const nameOf = new Map(model.namedParameters().map(([n, v]) => [v, n]));
      for (const frozen of PART_NAMES) {
        const before = snapshot(model);
        const stepStart = tf.memory().numTensors;
        sgdStepWithFrozen(split, frozen, x, y);
        expect(tf.memory().numTensors).toBe(stepStart);
        for (const [v, old] of before) {
          const same = Buffer.from(v.dataSync().buffer).equals(old);
          expect(same, `${nameOf.get(v)} (${partOf.get(v)}) unchanged with ${frozen} frozen`).toBe(partOf.get(v) === frozen);
        }
      }

      tf.dispose([x, y]);
      model.dispose();
      // (e) Nothing leaked: splitting makes no tensors, and forward passes and steps freed theirs.
      expect(tf.memory().numTensors).toBe(start);
    }, 20_000);
  }

  it("reluOnLogits is the reference MLP's quirk: off by default, ReLU on Final's output when on", () => {
    const model = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1, options: { hidden: [32, 16] } });
    const { x } = batch([28, 28, 1], 4, 'relu');
    tf.tidy(() => {
      const logits = model.predict(x);
      expect(splitThreeParts(model).reluOnLogits).toBe(false);
      const quirk = splitThreeParts(model, { reluOnLogits: true });
      expect(maxAbsDiff(quirk.forward(x, false), tf.relu(logits))).toBe(0);
      expect(maxAbsDiff(quirk.forward(x, false), logits)).toBeGreaterThan(0);
    });
    x.dispose();
    model.dispose();
  });

  it('cuts any model at named stages; composition is exact there too', () => {
    const model = createModel('convnet', { inputShape: [16, 16, 3], numClasses: 10, options: { width: 4, depth: 2 } });
    const split = splitThreeParts(model, { intermediateFrom: 'features.4', finalFrom: 'classifier' });
    expect(split.parts.map((p) => p.stageNames)).toEqual([range(0, 4), range(4, 9), ['classifier']]);
    const { x } = batch([16, 16, 3], 3, 'convnet');
    tf.tidy(() => {
      expect(maxAbsDiff(split.forward(x, false), model.predict(x))).toBeLessThan(1e-5);
    });
    // One cut moved, the other kept at the reference's.
    const r18 = createModel('resnet18', { inputShape: C32, numClasses: 10, options: { stem: 'imagenet', width: 2 } });
    expect(splitThreeParts(r18, { intermediateFrom: 'features.layer2' }).intermediate.stageNames).toEqual(['features.layer2', 'features.layer3']);
    x.dispose();
    model.dispose();
    r18.dispose();
  });

  it('(d) names the bad input and the choices', () => {
    const start = tf.memory().numTensors;
    const r18 = createModel('resnet18', { inputShape: C32, numClasses: 10, options: { stem: 'imagenet', width: 2 } });
    const convnet = createModel('convnet', { inputShape: [16, 16, 3], numClasses: 10, options: { width: 4, depth: 2 } });
    const mlp1 = createModel('mlp', { inputShape: [28, 28, 1], numClasses: 10, options: { hidden: [8] } });

    // A model without reference cut points: names it, the models that have them, and its own stages.
    expect(() => splitThreeParts(convnet)).toThrow(
      "splitThreeParts: the 2024 paper gives no cut points for model 'convnet' (it splits mlp, cnn4, resnet18, vgg16, vit-tiny). " +
        'Pass intermediateFrom and finalFrom, two of its stages in order: features.1, features.2, features.3, features.4, ' +
        'features.5, features.6, features.7, features.8, classifier.',
    );
    // A cut point the model does not have.
    expect(() => splitThreeParts(r18, { intermediateFrom: 'features.layer9' })).toThrow(
      "splitThreeParts('resnet18'): option 'intermediateFrom' must be one of 'features.layer1', 'features.layer2', 'features.layer3', " +
        "'features.layer4', 'features.avgpool', 'classifier', got \"features.layer9\".",
    );
    expect(() => splitThreeParts(r18, { finalFrom: 'features' })).toThrow(/option 'finalFrom' must be one of 'features.layer1',.* got "features"/);
    expect(() => splitThreeParts(r18, { intermediateFrom: 'features.layer4', finalFrom: 'features.layer2' })).toThrow(
      "splitThreeParts('resnet18'): intermediateFrom 'features.layer4' must come before finalFrom 'features.layer2'",
    );
    expect(() => splitThreeParts(mlp1)).toThrow(/splitThreeParts\('mlp'\): the reference splits the MLP as fc1 \| fc2 \| fc3, .*this one has 2\. Pass intermediateFrom/);
    expect(() => splitThreeParts(r18, { reluOnLogit: true } as never)).toThrow(/splitThreeParts\('resnet18'\): unknown option\(s\) 'reluOnLogit'/);
    expect(() => splitThreeParts(r18, { reluOnLogits: 1 } as never)).toThrow(/option 'reluOnLogits' must be true or false, got 1/);

    const split = splitThreeParts(r18);
    expect(() => split.part('middle')).toThrow("Unknown model part 'middle'. Choose one of: beginning, intermediate, final.");
    expect(split.part('intermediate')).toBe(split.intermediate);
    for (const p of split.parts) p.trainable = false;
    expect(() => split.trainableParameters()).toThrow(
      'resnet18: nothing to train (beginning frozen, intermediate frozen, final frozen); set trainable = true on a part with parameters.',
    );
    expect(() => split.final.dispose()).toThrow('The final part shares its variables with the model; dispose the model instead.');
    const wrong = tf.zeros([1, 28, 28, 1]);
    expect(() => split.beginning.forward(wrong, false)).toThrow('resnet18 expects NHWC input [n, 32, 32, 3], got [1, 28, 28, 1].');
    wrong.dispose();

    for (const m of [r18, convnet, mlp1]) m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

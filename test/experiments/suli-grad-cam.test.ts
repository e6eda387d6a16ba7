import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDataset } from '../../lib/data/dataset';
import { init } from '../../lib/engine/init';
import { createModel } from '../../lib/models/registry';
import { fit } from '../../lib/train/fit';
import { gradCam, splitAtLastConvBlock } from '../../lib/plot/grad-cam';
import { Conv2d, ReLU } from '../../lib/models/nn/layers';

/** Images that are zero except one bright 4x4 patch, whose position depends on the label. */
function patchData(n: number) {
  const h = 16;
  const images = new Float32Array(n * h * h);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = i % 2;
    labels[i] = y;
    const [r0, c0] = y === 0 ? [1, 1] : [11, 11];
    for (let r = r0; r < r0 + 4; r++) for (let c = c0; c < c0 + 4; c++) images[i * h * h + r * h + c] = 1;
  }
  return makeDataset({ name: 'patches', split: 'train', images, labels, ids: Int32Array.from({ length: n }, (_, i) => i), shape: [h, h, 1], classNames: ['top-left', 'bottom-right'], mean: [0], std: [1] });
}

describe('gradCam', () => {
  beforeAll(async () => {
    await init({ log: false });
  });

  it('splits a ConvNet after its last conv block (conv, norm, ReLU) and before the pooling', () => {
    const m = createModel('convnet', { inputShape: [16, 16, 1], numClasses: 2, seed: 0, options: { width: 4, depth: 2 } });
    const { head, tail } = splitAtLastConvBlock(m);
    expect(head).toHaveLength(7);
    expect(head[4]).toBeInstanceOf(Conv2d);
    expect(head.at(-1)).toBeInstanceOf(ReLU);
    expect(tail).toHaveLength(2);
    m.dispose();
  });

  it('rejects a model without a sequential conv feature extractor, and bad targets', async () => {
    const mlp = createModel('mlp', { inputShape: [16, 16, 1], numClasses: 2, seed: 0, options: {} });
    const ds = patchData(2);
    await expect(gradCam(mlp, ds, [0])).rejects.toThrow(/no convolution|not a Sequential/);
    const m = createModel('convnet', { inputShape: [16, 16, 1], numClasses: 2, seed: 0, options: { width: 4, depth: 2 } });
    await expect(gradCam(m, ds, [0], { target: 5 })).rejects.toThrow(/target class 5/);
    await expect(gradCam(m, ds, [])).rejects.toThrow(/no ids/);
    mlp.dispose();
    m.dispose();
  });

  it('after training, the map of each image peaks where its class patch is, and leaks no tensors', async () => {
    const ds = patchData(32);
    const m = createModel('convnet', { inputShape: [16, 16, 1], numClasses: 2, seed: 1, options: { width: 8, depth: 2, norm: 'none' } });
    await fit(m, ds, { epochs: 15, batchSize: 16, lr: 0.05, optimizer: { kind: 'sgd', momentum: 0.9 }, seed: 0 });
    const before = tf.memory().numTensors;
    const maps = await gradCam(m, ds, [0, 1]);
    expect(tf.memory().numTensors).toBe(before);
    expect(maps[0].height).toBe(8);
    expect(maps[0].width).toBe(8);
    // Sum of the map over the top-left (or bottom-right) 4x4 quadrant.
    const quadrantMass = (v: ArrayLike<number>, topLeft: boolean) => {
      const r0 = topLeft ? 0 : 4;
      let s = 0;
      for (let r = r0; r < r0 + 4; r++) for (let c = r0; c < r0 + 4; c++) s += v[r * 8 + c];
      return s;
    };
    // Image 0 is class 0 (patch top-left), image 1 class 1 (patch bottom-right).
    expect(quadrantMass(maps[0].values, true)).toBeGreaterThan(quadrantMass(maps[0].values, false));
    expect(quadrantMass(maps[1].values, false)).toBeGreaterThan(quadrantMass(maps[1].values, true));
    for (const h of maps) expect(Math.max(...Array.from(h.values))).toBeCloseTo(1, 5);
    m.dispose();
  });
});

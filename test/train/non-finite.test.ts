import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { nonFiniteParameter } from '../../lib/train/finite';
import { trainLoop } from '../../lib/train/loop';
import { createOptimizer } from '../../lib/train/optimizers';

/** Issue 22: the one loop stops on non-finite weights even while the loss stays finite. */
describe('trainLoop guards the weights, not only the loss', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('names the first non-finite parameter, or null when all are finite', async () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'nf-a');
    const b = tf.variable(tf.tensor1d([3, Infinity]), true, 'nf-b');
    expect(await nonFiniteParameter([a])).toBeNull();
    expect(await nonFiniteParameter([a, b])).toBe('nf-b');
    a.dispose();
    b.dispose();
  });

  it('throws at the end of the epoch in which a weight became NaN with a finite loss, and frees its tensors', async () => {
    const used = tf.variable(tf.scalar(1), true, 'nf-used');
    const unused = tf.variable(tf.scalar(0), true, 'nf-unused');
    const tensors = tf.memory().numTensors;
    const run = trainLoop({
      task: 'probe',
      params: [used, unused],
      epochs: 3,
      optimizer: () => createOptimizer({ kind: 'sgd', momentum: 0 }),
      lr: () => 0.1,
      passes: () => [{ name: 'only', steps: [{ weight: 1, build: () => () => tf.tidy(() => tf.add(tf.square(used), tf.mul(unused, 0)) as tf.Scalar) }] }],
      readLoss: 'epoch',
      afterStep: () => tf.tidy(() => unused.assign(tf.scalar(NaN))),
    });
    await expect(run).rejects.toThrow('probe: the weights became NaN or infinite in epoch 1 (parameter nf-unused) (lr 0.1).');
    expect(tf.memory().numTensors).toBe(tensors);
    used.dispose();
    unused.dispose();
  });
});

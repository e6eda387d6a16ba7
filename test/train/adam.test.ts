import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { Adam } from '../../lib/train/optimizers';

/** torch.optim.Adam's update for one scalar parameter on loss p^2, written out step by step. */
function torchAdamOnSquare(p0: number, steps: number, lr: number): number {
  let p = p0;
  let m = 0;
  let v = 0;
  for (let t = 1; t <= steps; t++) {
    const g = 2 * p;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    p -= (lr / (1 - 0.9 ** t)) * (m / (Math.sqrt(v / (1 - 0.999 ** t)) + 1e-8));
  }
  return p;
}

function stepSquare(opt: Adam, p: tf.Variable, lr: number): void {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(p)) as tf.Scalar, [p]);
    opt.step([p], [grads[p.name]], lr);
  });
}

describe('Adam', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  it('matches torch.optim.Adam step by step', async () => {
    const p = tf.variable(tf.scalar(1.5));
    const opt = new Adam();
    for (let s = 1; s <= 5; s++) {
      stepSquare(opt, p, 0.1);
      expect((await p.data())[0]).toBeCloseTo(torchAdamOnSquare(1.5, s, 0.1), 5);
    }
    opt.dispose();
    p.dispose();
  });

  it('keeps one step count per parameter, as torch does: stepping one parameter does not age another', async () => {
    const a = tf.variable(tf.scalar(1.5));
    const b = tf.variable(tf.scalar(-0.7));
    const shared = new Adam();
    for (let s = 0; s < 4; s++) stepSquare(shared, a, 0.1);
    stepSquare(shared, b, 0.1);
    stepSquare(shared, b, 0.1);
    // b had two steps of its own: its first bias correction is that of step 1, not step 5.
    expect((await b.data())[0]).toBeCloseTo(torchAdamOnSquare(-0.7, 2, 0.1), 5);
    expect((await a.data())[0]).toBeCloseTo(torchAdamOnSquare(1.5, 4, 0.1), 5);
    const before = tf.memory().numTensors;
    shared.dispose();
    expect(tf.memory().numTensors).toBe(before - 4); // m and v of both parameters
    a.dispose();
    b.dispose();
  });
});

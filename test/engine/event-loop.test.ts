import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../lib/data/dataset';
import { YIELD_EVERY_MS, yieldIfDue, yieldToEventLoop } from '../../lib/engine/event-loop';
import type { Classifier } from '../../lib/models/classifier';
import { predict } from '../../lib/train/evaluate';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

/** Whether a setImmediate callback queued before `f` ran while `f` was running. */
async function letsCallbacksRun(f: () => Promise<void>): Promise<boolean> {
  let ran = false;
  setImmediate(() => (ran = true));
  await f();
  const during = ran;
  await yieldToEventLoop();
  return during;
}

describe('yielding to the event loop in long phases', () => {
  it('yieldIfDue yields only once YIELD_EVERY_MS have passed since the last yield', async () => {
    await yieldToEventLoop();
    expect(await letsCallbacksRun(() => yieldIfDue())).toBe(false);
    expect(await letsCallbacksRun(async () => (busy(YIELD_EVERY_MS + 20), yieldIfDue()))).toBe(true);
  });

  it('a timer fires during a whole-set prediction of slow batches, not only after it', async () => {
    const n = 20;
    const ds = makeDataset({ name: 'toy', split: 'test', images: new Float32Array(n * 4), labels: Int32Array.from({ length: n }, (_, i) => i % 2), ids: Int32Array.from({ length: n }, (_, i) => i), shape: [2, 2, 1], classNames: ['a', 'b'], mean: [0], std: [1] });
    let batches = 0;
    // 30 ms per one-sample batch: 600 ms in all, about three yields' worth.
    const slow = { numClasses: 2, predict: (x: tf.Tensor) => (busy(30), batches++, tf.zeros([x.shape[0], 2])) } as unknown as Classifier;
    let batchesWhenFired = -1;
    setTimeout(() => (batchesWhenFired = batches), 0);
    const before = tf.memory().numTensors;
    const p = await predict(slow, ds, 1);
    expect(p.predicted.length).toBe(n);
    expect(batchesWhenFired).toBeGreaterThan(0);
    expect(batchesWhenFired).toBeLessThan(n);
    expect(tf.memory().numTensors).toBe(before);
  });
});

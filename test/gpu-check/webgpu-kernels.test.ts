import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';
import { WEBGPU_ADDN_MAX_INPUTS } from '../../lib/engine/webgpu-kernels';

// The webgpu backend on Mesa's software Vulkan driver (installed by tools/gpu/software-vulkan.sh; slow suite).
describe('webgpu kernels of our own (on lavapipe)', () => {
  beforeAll(async () => {
    process.env.UNLEARN_WEBGPU_SOFTWARE = '1';
    await init({ backend: 'webgpu', log: false });
  }, 120_000);

  it('tf.addN of more than 7 tensors sums correctly (the stock kernel exceeds 8 storage buffers and returns garbage), leaking nothing', async () => {
    expect(tf.getBackend()).toBe('webgpu');
    for (const n of [2, WEBGPU_ADDN_MAX_INPUTS, WEBGPU_ADDN_MAX_INPUTS + 1, 14, 50]) {
      const parts = Array.from({ length: n }, (_, i) => tf.fill([3, 5], i + 1));
      const before = tf.memory();
      const sum = tf.addN(parts);
      const values = await sum.data();
      expect(Array.from(new Set(values)), `addN of ${n}`).toEqual([(n * (n + 1)) / 2]);
      sum.dispose();
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.memory().numBytes).toBe(before.numBytes);
      tf.dispose(parts);
    }
  });

  it('its gradient reaches every input', async () => {
    const xs = Array.from({ length: 12 }, (_, i) => tf.scalar(i));
    const grads = tf.grads((...a: tf.Tensor[]) => tf.mul(tf.addN(a), 2))(xs);
    expect(await Promise.all(grads.map(async (g) => (await g.data())[0]))).toEqual(Array(12).fill(2));
    tf.dispose([...xs, ...grads]);
  });
});

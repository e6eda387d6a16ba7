import { beforeAll, describe, expect, it } from 'vitest';
import { measureThroughput } from '../../lib/bench';
import { init } from '../../lib/engine/init';
import { expectNoLeak } from '../../lib/engine/leaks';
import { wasmThreadsInfo } from '../../lib/engine/wasm-threads';

describe('engine benchmark (lib/bench, above engine, models and train)', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', threads: 2, log: false });
  });

  it('measures train and inference images/s of a registry model on the threaded wasm backend, leaking nothing', async () => {
    const s = await expectNoLeak('measureThroughput', () =>
      measureThroughput({ model: 'mlp', inputShape: [8, 8, 1], batch: 8, trainSteps: 2, inferenceSteps: 2 }),
    );
    expect(wasmThreadsInfo()).toEqual({ threads: 2, threaded: true });
    expect(s).toMatchObject({ backend: 'wasm', model: 'mlp', input: '8x8x1', batch: 8, trainSteps: 2, inferenceSteps: 2 });
    expect(s.trainImagesPerSecond).toBeGreaterThan(0);
    expect(Number.isFinite(s.trainImagesPerSecond)).toBe(true);
    expect(s.inferenceImagesPerSecond).toBeGreaterThan(0);
    await expect(measureThroughput({ model: 'nope', inputShape: [8, 8, 1], batch: 1, trainSteps: 1, inferenceSteps: 1 })).rejects.toThrow(/Unknown model 'nope'/);
  });
});

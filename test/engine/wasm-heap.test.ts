import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../lib/engine/init';

/** The wasm backend's Emscripten module, as far as these tests use it. */
const heap = () => (tf.backend() as unknown as { wasm: { _malloc(n: number): number; _free(p: number): void } }).wasm;
const FULL = /The wasm heap is full: \d+ MiB more could not be allocated .*at most 4 GiB.*smaller batch/;

describe('a full wasm heap is an error, not a tensor written over address 0', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', log: false });
  });

  /** A tensor that cannot be placed throws; the live tensors and the engine are as before. */
  function expectRefused(floats: number): void {
    const before = tf.memory().numTensors;
    const keep = tf.tensor1d([1, 2, 3]);
    // tf.fill places its output before writing anything, so a refused tensor touches no memory.
    expect(() => tf.fill([floats], 7)).toThrow(FULL);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Array.from(tf.tidy(() => tf.add(keep, 1)).dataSync())).toEqual([2, 3, 4]);
    expect(Array.from(keep.dataSync())).toEqual([1, 2, 3]);
    keep.dispose();
  }

  it('a tensor larger than what the heap has left (3 GB already taken): a clear error, and the engine goes on working', () => {
    // 3 GB taken straight from the allocator and never written, so it costs no real memory.
    const held = heap()._malloc(3e9);
    expect(held).toBeGreaterThan(0);
    try {
      // Unguarded, this 1.3 GB tensor was placed at address 0 and written over the whole heap.
      expectRefused(1.3e9 / 4);
    } finally {
      heap()._free(held);
    }
    // Once the room is back, the same size is placed (through the guard, without writing it).
    const again = heap()._malloc(1.3e9);
    expect(again).toBeGreaterThan(0);
    heap()._free(again);
  });

  it('a tensor of 4 GiB or more (its size would wrap round to about 105 MB as a 32-bit integer): a clear error', () => {
    expectRefused(1.1e9);
  });
});

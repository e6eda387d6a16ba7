import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKEND_ORDER } from '../../lib/engine/backends';
import { init, parseBackendName } from '../../lib/engine/init';
import { wasmThreadsInfo } from '../../lib/engine/wasm-threads';
import { vulkanLoaderError } from '../../lib/engine/vulkan-loader';

describe('engine init', () => {
  afterEach(() => {
    delete process.env.UNLEARN_BACKEND;
  });

  it('picks wasm here, with both cores, and says why each earlier backend was skipped', async () => {
    const info = await init({ log: false });
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped.map((s) => s.backend)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu']);
    for (const s of info.skipped) expect(s.reason.length).toBeGreaterThan(10);
    expect(info.skipped[0].reason).toMatch(/tfjs-node-gpu/);
    expect(info.summary).toMatch(/^unlearn-lab engine: wasm/);
    expect(wasmThreadsInfo().threads).toBe(Math.min(8, os.cpus().length));
  });

  it('rejects an unknown backend name and lists the choices', async () => {
    await expect(init({ backend: 'cuda', log: false })).rejects.toThrow(`Unknown backend 'cuda' (from init({ backend })). Choose one of: ${BACKEND_ORDER.join(', ')}.`);
    process.env.UNLEARN_BACKEND = 'gpu';
    await expect(init({ log: false })).rejects.toThrow(/Unknown backend 'gpu' \(from environment variable UNLEARN_BACKEND\)/);
  });

  it('says clearly when a forced backend cannot load', async () => {
    process.env.UNLEARN_BACKEND = 'tensorflow';
    await expect(init({ log: false })).rejects.toThrow(
      /Backend 'tensorflow' was forced but cannot load: package @tensorflow\/tfjs-node is not installed.*Unset UNLEARN_BACKEND or choose another of: tensorflow-gpu, tensorflow, webgpu, wasm, cpu/,
    );
    // Without the Vulkan loader it stops there (before Dawn, which would only print a warning); with it, Dawn finds no GPU adapter.
    const webgpuReason = vulkanLoaderError() != null ? /no Vulkan loader, which WebGPU \(Dawn\) needs \(libvulkan\.so\.1: .*Debian package libvulkan1\)/ : /adapter/;
    const err = await init({ backend: 'webgpu', log: false }).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/^Backend 'webgpu' was forced but cannot load: /);
    expect(err?.message).toMatch(webgpuReason);
  });

  it('honours UNLEARN_BACKEND and switches backends on request', async () => {
    process.env.UNLEARN_BACKEND = 'CPU';
    const cpu = await init({ log: false });
    expect(cpu.backend).toBe('cpu');
    expect(cpu.forced).toBe(true);
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await init({ backend: 'wasm', log: false });
    expect(wasm.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('parses names case-insensitively', () => {
    expect(parseBackendName(' WASM ', 'test')).toBe('wasm');
  });

  it('rejects a bad thread count', async () => {
    await expect(init({ backend: 'cpu', threads: 0, log: false })).rejects.toThrow(/threads must be an integer from 1 to 8, got '0'/);
    await expect(init({ backend: 'cpu', threads: 1000, log: false })).rejects.toThrow(/threads must be an integer from 1 to 8, got '1000'/);
    process.env.UNLEARN_WASM_THREADS = '1000';
    try {
      await expect(init({ backend: 'cpu', log: false })).rejects.toThrow(/got '1000' \(option threads or UNLEARN_WASM_THREADS\)/);
    } finally {
      delete process.env.UNLEARN_WASM_THREADS;
    }
  });
});

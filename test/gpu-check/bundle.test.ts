import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, DEBS, EXTERNAL_PACKAGES, requiredPackages, runtimeFiles, SIZE_LIMIT_BYTES, type BundleManifest } from '../../tools/gpu/build-bundle';

const root = path.join(__dirname, '..', '..');

describe('the carry bundle file list', () => {
  it('reads the bare package names of literal require() calls, not builtins or relative paths', () => {
    const src = `require('fs'); require("node:path"); require('./x'); require('seedrandom'); require('@tensorflow/tfjs-core/dist/x'); require( 'long' )`;
    expect(requiredPackages(src)).toEqual(['@tensorflow/tfjs-core', 'long', 'seedrandom']);
  });

  it("holds each external package's main, the wasm binaries, the linux-x64 Dawn only, and the plain packages they require", () => {
    const files = runtimeFiles(root);
    for (const p of EXTERNAL_PACKAGES) {
      const main = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', p, 'package.json'), 'utf8')) as { main?: string }).main ?? 'index.js';
      expect(files, p).toContain(path.join('node_modules', p, main));
    }
    expect(files).toContain('node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm');
    expect(files).toContain('node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm');
    expect(files).toContain('node_modules/webgpu/dist/linux-x64/dawn.node');
    expect(files.filter((f) => f.endsWith('dawn.node'))).toHaveLength(1);
    expect(files).toContain('node_modules/seedrandom/index.js');
    expect(files.some((f) => f.endsWith('.map') || f.includes('/coverage/'))).toBe(false);
  });
});

describe('npm run gpu-bundle: a self-contained bundle under the size limit', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-carry-'));
  // Unpacked outside the repository: nothing can come from its node_modules.
  const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-app-'));
  const app = path.join(unpacked, 'app');
  let manifest: BundleManifest;
  const runBundled = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(path.join(app, 'node'), [path.join(app, 'gpu-check.cjs'), ...args], {
      cwd: unpacked,
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: '/usr/bin:/bin', HOME: unpacked, ...env },
    });

  beforeAll(async () => {
    manifest = await buildBundle({ root, outDir: out });
    execFileSync('bash', ['-c', 'xz -dc "$1" | tar -x -C "$2"', 'unpack', path.join(out, 'app.tar.xz'), unpacked]);
  }, 120_000);
  afterAll(() => {
    for (const d of [out, unpacked]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('carries node, the bundled check, runtime files, a Fashion-MNIST subset and the Vulkan .debs, in under 50 MiB', () => {
    const files = manifest.files.map((f) => f.path);
    for (const f of ['app/node', 'app/gpu-check.cjs', 'app/node_modules/webgpu/dist/linux-x64/dawn.node', 'app/data/fashion-mnist/train-images-idx3-ubyte.gz', 'app/data/fashion-mnist/t10k-labels-idx1-ubyte.gz']) {
      expect(files, f).toContain(f);
    }
    for (const d of DEBS) expect(manifest.debs.some((f) => f.startsWith(`${d}_`) && f.endsWith('_amd64.deb')), d).toBe(true);
    expect(manifest.totalBytes).toBeLessThan(SIZE_LIMIT_BYTES);
    expect(manifest.totalBytes).toBe(fs.statSync(path.join(out, 'app.tar.xz')).size + manifest.debBytes);
    expect(fs.statSync(path.join(app, 'node')).size).toBe(fs.statSync(process.execPath).size);
  });

  // .ci/run installs Mesa's software Vulkan driver (tools/gpu/software-vulkan.sh) before this suite.
  it('the bundled script on the bundled node refuses a software adapter (lavapipe) with "no GPU adapter"', () => {
    const run = runBundled([]);
    expect(run.status).toBe(3);
    expect(run.stderr.trim().split('\n').pop()).toMatch(/^no GPU adapter: only a software adapter was found \(.*llvmpipe.*\)/);
  });

  it('runs the whole report on the webgpu backend through lavapipe (UNLEARN_WEBGPU_SOFTWARE=1): Dawn, WGSL kernels, asynchronous reads', () => {
    const run = runBundled(['--backend', 'webgpu', '--quick', '--data-dir', path.join(app, 'data/fashion-mnist')], { UNLEARN_WEBGPU_SOFTWARE: '1' });
    expect(run.status, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout) as {
      complete: boolean;
      backend: string;
      adapter: { description: string };
      gradients: { ok: boolean; value: { passed: boolean; maxError: number } };
      throughput: Array<{ samples: Record<string, { ok: boolean }> }>;
      smoke: { ok: boolean; value: { methods: Array<{ method: string; retainAcc: number }> } };
    };
    expect(r.complete).toBe(true);
    expect(r.backend).toBe('webgpu');
    expect(r.adapter.description).toMatch(/llvmpipe/);
    expect(r.gradients.ok && r.gradients.value.passed).toBe(true);
    expect(r.gradients.value.maxError).toBeLessThan(1e-3);
    expect(r.throughput.every((t) => t.samples.webgpu.ok && t.samples.cpu.ok)).toBe(true);
    expect(r.smoke.ok).toBe(true);
    expect(r.smoke.value.methods.map((m) => m.method)).toEqual(['cf']);
    expect(r.smoke.value.methods[0].retainAcc).toBeGreaterThanOrEqual(0);
  }, 180_000);

  it('with the carried loader but no GPU driver it names the driver and VK_DRIVER_FILES', () => {
    const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-vulkan-'));
    const deb = manifest.debs.find((f) => f.startsWith('libvulkan1_'))!;
    execFileSync('dpkg', ['-x', path.join(out, 'debs', deb), lib]);
    const run = runBundled([], { LD_LIBRARY_PATH: path.join(lib, 'usr/lib/x86_64-linux-gnu'), VK_DRIVER_FILES: path.join(lib, 'none.json') });
    expect(run.status).toBe(3);
    expect(run.stderr.trim().split('\n').pop()).toMatch(/^no GPU adapter: the Vulkan loader is present but Dawn returned no adapter: no Vulkan driver answered .*VK_DRIVER_FILES=/);
  });

  it('runs the whole report on CPU from the bundle alone (--backend wasm --quick) with the carried data', () => {
    const run = runBundled(['--backend', 'wasm', '--quick', '--data-dir', path.join(app, 'data/fashion-mnist')]);
    expect(run.status, run.stderr).toBe(0);
    const r = JSON.parse(run.stdout) as { complete: boolean; backend: string; gradients: { ok: boolean; value: { passed: boolean } }; throughput: unknown[]; smoke: { ok: boolean } };
    expect(r.complete).toBe(true);
    expect(r.backend).toBe('wasm');
    expect(r.gradients.ok && r.gradients.value.passed).toBe(true);
    expect(r.throughput.length).toBeGreaterThan(0);
    expect(r.smoke.ok).toBe(true);
  }, 120_000);
});

import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';
import { subsetByIds } from '../../lib/data/dataset';
import { checkGradients, NoGpuAdapterError, padTo32x32x3, probeGpuAdapter, QUICK_MODELS, QUICK_OPTIONS, resultsFile, runGpuCheck, vulkanLoaderError } from '../../lib/gpu-check';

const root = path.join(__dirname, '..', '..');

describe('no GPU: the check fails fast naming why', () => {
  const probeError = () =>
    probeGpuAdapter().then(
      () => null,
      (e: Error) => e,
    );

  it('names a missing Vulkan loader', () => {
    expect(vulkanLoaderError('libvulkan-absent.so.1')).toMatch(/libvulkan-absent\.so\.1: cannot open shared object file/);
  });

  it('probeGpuAdapter rejects with "no GPU adapter: ..." naming the missing loader, or the missing driver (no driver manifest)', async () => {
    const saved = process.env.VK_DRIVER_FILES;
    process.env.VK_DRIVER_FILES = path.join(os.tmpdir(), 'no-such-driver.json');
    try {
      const err = await probeError();
      expect(err).toBeInstanceOf(NoGpuAdapterError);
      // A machine without libvulkan1 stops at the loader; with it (CI installs it for the webgpu suite) Dawn finds no driver.
      if (vulkanLoaderError() != null) expect(err!.message).toMatch(/^no GPU adapter: the Vulkan loader libvulkan\.so\.1 cannot be loaded .*Install Debian's libvulkan1/);
      else expect(err!.message).toMatch(/^no GPU adapter: the Vulkan loader is present but Dawn returned no adapter: no Vulkan driver answered \(VK_DRIVER_FILES=.*no-such-driver\.json\)/);
    } finally {
      if (saved == null) delete process.env.VK_DRIVER_FILES;
      else process.env.VK_DRIVER_FILES = saved;
    }
  });

  describe('npm run gpu-check (node dist/gpu-check/main.js)', () => {
    beforeAll(() => {
      // The same preparation as the npm script: an up-to-date dist/.
      execFileSync('bash', [path.join(root, 'kernels-config', 'setup.sh')], { cwd: root, stdio: 'ignore' });
    }, 180_000);

    it('exits with code 3, prints only the "no GPU adapter" line and writes no JSON', () => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-check-')), 'gpu.json');
      const run = spawnSync(process.execPath, [path.join(root, 'dist/gpu-check/main.js'), '--out', out], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(3);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n').pop()).toMatch(/^no GPU adapter: /);
      expect(fs.existsSync(out)).toBe(false);
    });

    it('rejects an unknown backend naming the choices', () => {
      const run = spawnSync(process.execPath, [path.join(root, 'dist/gpu-check/main.js'), '--backend', 'cuda'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("Unknown backend 'cuda'. Choose one of: webgpu, wasm.");
    });
  });
});

describe('the report code on CPU (wasm under test, cpu as reference and baseline)', () => {
  it('runs every section and writes the JSON it returns, with the gradients within 1e-3 of cpu', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-check-')), 'gpu.json');
    const r = await runGpuCheck({ ...QUICK_OPTIONS, backend: 'wasm', out });
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toEqual(JSON.parse(JSON.stringify(r)));
    expect(r).toMatchObject({ check: 'gpu-check', version: 1, complete: true, backend: 'wasm', baseline: 'cpu', adapter: null });
    expect(r.engine).toMatch(/^unlearn-lab engine: wasm/);

    if (!r.gradients?.ok) throw new Error(`gradient section failed: ${r.gradients && !r.gradients.ok ? r.gradients.error : 'missing'}`);
    const g = r.gradients.value;
    expect(g).toMatchObject({ backend: 'wasm', reference: 'cpu', tolerance: 1e-3, batch: 2, models: QUICK_MODELS.map((m) => m.name), passed: true });
    const ops = new Set(g.checks.map((c) => c.op));
    // Convolutions, average pooling, the global-average-pool / norm reductions, the head's matMul and both norms' gradients.
    for (const op of ['Conv2D', 'AvgPool', 'Mean', 'BatchMatMul', 'Relu', 'InstanceNorm']) expect(ops, op).toContain(op);
    for (const c of g.checks) {
      expect(Number.isFinite(c.maxError), `${c.op} ${JSON.stringify(c.inputs)}`).toBe(true);
      expect(c.maxError).toBeLessThanOrEqual(1e-3);
      expect(Object.keys(c.gradientErrors).length).toBeGreaterThan(0);
    }
    // The ResNet's stride-2 3x3 convolution with explicit padding 1, recorded with its attributes.
    expect(g.checks.some((c) => c.op === 'Conv2D' && JSON.stringify(c.attrs).includes('"strides":2') && Array.isArray(c.attrs?.pad))).toBe(true);
    const norm = g.checks.find((c) => c.what === 'norm')!;
    expect(Object.keys(norm.gradientErrors)).toEqual(['x', 'gamma', 'beta']);

    expect(r.throughput).toHaveLength(QUICK_MODELS.length);
    for (const row of r.throughput) {
      for (const b of ['wasm', 'cpu']) {
        const s = row.samples[b];
        if (!s.ok) throw new Error(`${row.model} on ${b}: ${s.error}`);
        expect(s.value.backend).toBe(b);
        expect(s.value.trainImagesPerSecond).toBeGreaterThan(0);
      }
      expect(row.trainRatio).toBeGreaterThan(0);
      expect(row.inferenceRatio).toBeGreaterThan(0);
    }

    if (!r.smoke?.ok) throw new Error(`smoke failed: ${r.smoke && !r.smoke.ok ? r.smoke.error : 'missing'}`);
    const s = r.smoke.value;
    expect(s.inputShape).toEqual([32, 32, 3]);
    expect(s.sizes).toMatchObject({ train: 200, forget: 20, retain: 180 });
    expect(s.methods.map((m) => m.method)).toEqual(['cf']);
    for (const k of ['retainAcc', 'forgetAcc', 'testAcc'] as const) expect(s.methods[0][k]).toBeGreaterThanOrEqual(0);
    expect(s.methods[0].mia).toBeGreaterThan(0);
  }, 120_000);

  it('a gradient that differs from cpu beyond the tolerance fails the check', async () => {
    // wasm and cpu agree to about 1e-7, not to 1e-12: every convolution must then be reported as failed.
    const g = await checkGradients({ backend: 'wasm', models: [QUICK_MODELS[0]], tolerance: 1e-12 });
    expect(g.passed).toBe(false);
    const conv = g.checks.filter((c) => c.op === 'Conv2D');
    expect(conv.length).toBeGreaterThan(0);
    expect(conv.every((c) => !c.passed && c.maxError > 1e-12)).toBe(true);
  }, 60_000);

  it('an error inside a section is recorded in the JSON, not thrown', async () => {
    const r = await runGpuCheck({ ...QUICK_OPTIONS, backend: 'wasm', gradientModels: [], throughput: [], smoke: { ...QUICK_OPTIONS.smoke!, dataDir: '/nonexistent/fashion-mnist' } });
    expect(r.complete).toBe(true);
    expect(r.smoke).toMatchObject({ ok: false });
    expect(r.smoke && !r.smoke.ok && r.smoke.error).toContain('Fashion-MNIST directory /nonexistent/fashion-mnist does not exist');
  }, 60_000);
});

describe('gpu-paper smoke input', () => {
  it('pads Fashion-MNIST to 32x32x3 with the background value and copies the gray channel', () => {
    const ds = loadFashionMnist('test');
    const two = subsetByIds(ds, [0, 1]);
    const p = padTo32x32x3(two);
    expect(p.shape).toEqual([32, 32, 3]);
    expect(p.images.length).toBe(2 * 32 * 32 * 3);
    const bg = -ds.mean[0] / ds.std[0];
    expect(p.images[0]).toBeCloseTo(bg, 6);
    const src = two.images[784 + 14 * 28 + 14];
    const o = ((32 + 16) * 32 + 16) * 3;
    expect([p.images[o], p.images[o + 1], p.images[o + 2]]).toEqual([src, src, src]);
    expect(() => padTo32x32x3(p)).toThrow(/expects 28x28x1 images, got 32x32x3/);
  });

  it('names the results file by date', () => {
    expect(resultsFile('/repo', new Date('2026-11-28T12:00:00Z'))).toBe('/repo/results/bench/gpu-2026-11-28.json');
  });
});

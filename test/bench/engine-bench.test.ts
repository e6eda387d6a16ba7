import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  benchEngine,
  benchModels,
  countForwardFlops,
  cpuInfo,
  kernelFlops,
  pythonTorchRunner,
  simdLimit,
  writeEngineBench,
  type BenchModel,
  type EngineBench,
  type PytorchRunner,
  type TorchSpec,
} from '../../lib/bench';
import { init } from '../../lib/engine/init';
import { liveTensors } from '../../lib/engine/leaks';
import { createModel } from '../../lib/models/registry';

/** Tiny models (a second or so each), so the ratio logic is checked without the real bench's cost. */
const TINY: BenchModel[] = [
  { key: 'mlp/8x8x1', model: 'mlp', options: { hidden: [16] }, inputShape: [8, 8, 1], batch: 4, trainSteps: 1, inferenceSteps: 1, warmUp: false },
  { key: 'convnet-8/8x8x1', model: 'convnet', options: { width: 8, depth: 2 }, inputShape: [8, 8, 1], batch: 4, trainSteps: 1, inferenceSteps: 1, warmUp: false },
  { key: 'convnet-4/8x8x1', model: 'convnet', options: { width: 4, depth: 1 }, inputShape: [8, 8, 1], batch: 4, trainSteps: 1, inferenceSteps: 1, warmUp: false },
];

/** The structure every run must have, whether PyTorch is there or not. */
function expectBenchShape(r: EngineBench, keys: string[]): void {
  expect(r).toMatchObject({ schema: 1, bench: 'engine', engine: { backend: 'wasm' }, optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 5e-4 } });
  expect(r.models.map((m) => m.key)).toEqual(keys);
  expect(r.provenance.loadAverage.before).toHaveLength(3);
  expect(r.provenance.loadAverage.after).toHaveLength(3);
  expect(r.provenance.threads).toBe(2);
  expect(r.provenance.cpu.logicalCores).toBe(os.cpus().length);
  // The engine's own figures are measured, with FLOP rates derived from the model's FLOP count.
  for (const m of r.models) {
    expect(m.ours.trainImagesPerSecond).toBeGreaterThan(0);
    expect(m.ours.inferenceImagesPerSecond).toBeGreaterThan(0);
    expect(m.ours.trainGflops).toBeCloseTo((3 * m.flops.perImage * m.ours.trainImagesPerSecond) / 1e9, 9);
    if (r.simdLimit.gflops != null) expect(m.ours.trainShareOfSimdLimit).toBeCloseTo(m.ours.trainGflops / r.simdLimit.gflops, 9);
    expect(m.ours.memory.peakRssBytesSoFar).toBeGreaterThanOrEqual(m.ours.memory.rssBytes * 0.5);
    expect(m.ours.profile.tensorBytes.peakAddedByStep).toBeGreaterThan(0);
    // The profiled step follows the warm-up step; without one it is the first, which creates a momentum buffer per parameter.
    const warmedUp = !r.quick && m.batch > 4;
    const model = createModel(m.model, { inputShape: m.input.split('x').map(Number) as [number, number, number], numClasses: 10, options: m.options });
    expect(m.ours.profile.tensorBytes.tensorsLeftAfterStep).toBe(warmedUp ? 0 : model.parameters().length);
    model.dispose();
    const forward = m.ours.profile.phases.forward.kernels.map((k) => k.kernel);
    const backward = m.ours.profile.phases.backward.kernels.map((k) => k.kernel);
    expect(forward).toContain('BatchMatMul');
    expect(m.ours.profile.phases.optimizer.kernels.length).toBeGreaterThan(0);
    if (m.model === 'convnet') {
      expect(forward).toContain('Conv2D');
      expect(backward).toContain('Conv2DBackpropFilter');
      expect(m.ours.profile.phases.backward.kernels.find((k) => k.kernel === 'Conv2DBackpropFilter')!.custom).toBe(true);
    }
    // Kernels run one at a time inside the step; composite ops (tf.customGrad) are kept out of the totals, so nothing is counted twice.
    expect(m.ours.profile.kernelMs).toBeLessThanOrEqual(m.ours.profile.stepWallMs);
    expect(m.ours.profile.composites.map((c) => c.name)).toContain('logSoftmax__op');
    const shares = (['forward', 'backward', 'optimizer'] as const).reduce((s, p) => s + m.ours.profile.phases[p].shareOfStep, 0);
    expect(shares).toBeCloseTo(1, 6);
  }
  expect(r.memory.peakRssBytes).toBeGreaterThan(0);
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

describe('npm run bench: engine beside PyTorch in one run (lib/bench)', () => {
  beforeAll(async () => {
    await init({ backend: 'wasm', threads: 2, log: false });
  });

  it('counts FLOPs from kernel shapes: convolutions and both gradients, matrix products either way round, nothing for data movement', () => {
    // 256x32x32x3 -> 128 channels, 3x3: 2 * (256*32*32*128) * 27.
    expect(kernelFlops({ name: 'Conv2D', inputShapes: [[256, 32, 32, 3], [3, 3, 3, 128]], outputShapes: [[256, 32, 32, 128]] })).toEqual({ flops: 2 * 256 * 32 * 32 * 128 * 27, kind: 'conv' });
    const forward = 2 * 256 * 16 * 16 * 128 * 9 * 128;
    expect(kernelFlops({ name: 'Conv2DBackpropInput', inputShapes: [[256, 16, 16, 128], [3, 3, 128, 128]], outputShapes: [[256, 16, 16, 128]] }).flops).toBe(forward);
    expect(kernelFlops({ name: 'Conv2DBackpropFilter', inputShapes: [[256, 16, 16, 128], [256, 16, 16, 128]], outputShapes: [[3, 3, 128, 128]] }).flops).toBe(forward);
    expect(kernelFlops({ name: 'MatMul', inputShapes: [[256, 2048], [2048, 10]], outputShapes: [[256, 10]] }).flops).toBe(2 * 256 * 2048 * 10);
    // dW = x^T dy: a is [K, M] (transposeA).
    expect(kernelFlops({ name: 'MatMul', inputShapes: [[256, 2048], [256, 10]], outputShapes: [[2048, 10]] }).flops).toBe(2 * 2048 * 10 * 256);
    expect(kernelFlops({ name: 'Transpose', inputShapes: [[4, 5]], outputShapes: [[5, 4]] })).toEqual({ flops: 0, kind: 'movement' });
    expect(kernelFlops({ name: 'Mean', inputShapes: [[2, 4, 4, 8]], outputShapes: [[2, 1, 1, 8]] })).toEqual({ flops: 2 * 4 * 4 * 8, kind: 'elementwise' });
  });

  it('counts the forward FLOPs of ConvNet-128 on 32x32x3 as its geometry gives them, and leaks nothing', async () => {
    const model = createModel('convnet', { inputShape: [32, 32, 3], numClasses: 10, options: { width: 128 } });
    const before = liveTensors();
    const f = await countForwardFlops(model, [32, 32, 3]);
    expect(liveTensors()).toBe(before);
    model.dispose();
    const conv = 2 * (32 * 32 * 128 * 3 * 9 + 16 * 16 * 128 * 128 * 9 + 8 * 8 * 128 * 128 * 9);
    expect(f.byKind.conv).toBe(conv);
    expect(f.byKind.matmul).toBe(2 * 2048 * 10);
    // Norm, ReLU, pooling and bias adds: a few FLOPs per activation, a small share of the convolutions.
    expect(f.byKind.elementwise).toBeGreaterThan(32 * 32 * 128);
    expect(f.byKind.elementwise).toBeLessThan(0.05 * conv);
    expect(f.trainStepPerImage).toBe(3 * f.perImage);
  });

  it('states the wasm SIMD limit it divides by, from the CPU it reads', () => {
    const zen5 = cpuInfo('processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2000.000\nphysical id\t: 0\ncore id\t\t: 0\nflags\t\t: sse4_2 avx avx2 fma\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\ncpu MHz\t\t: 2000.000\nphysical id\t: 0\ncore id\t\t: 1\n');
    expect(zen5).toMatchObject({ vendor: 'AuthenticAMD', family: 26, mhz: 2000, physicalCores: 2, simdFlags: ['sse4_2', 'avx', 'avx2', 'fma'] });
    expect(simdLimit(zen5, 2)).toMatchObject({ gflops: 2 * 2 * 16, cores: 2, flopsPerCyclePerCore: 16 });
    // One thread uses one core; an Intel core multiplies and adds on the same two ports.
    expect(simdLimit(zen5, 1).gflops).toBe(32);
    expect(simdLimit({ ...zen5, vendor: 'GenuineIntel', family: 6 }, 2)).toMatchObject({ gflops: 32, flopsPerCyclePerCore: 8 });
    expect(simdLimit(zen5, 2).assumption).toMatch(/4 f32 lanes.*no FMA/);
  });

  it('benches the models of issue 18: ConvNet-128 at batch 256 on 28x28x1 and 32x32x3, ResNet-18 (CIFAR stem) at batch 64 (128 does not fit the wasm heap), the MLP', () => {
    expect(benchModels().map(({ key, model, options, inputShape, batch, warmUp }) => ({ key, model, options, inputShape, batch, warmUp }))).toEqual([
      { key: 'convnet-128/28x28x1', model: 'convnet', options: { width: 128 }, inputShape: [28, 28, 1], batch: 256, warmUp: true },
      { key: 'convnet-128/32x32x3', model: 'convnet', options: { width: 128 }, inputShape: [32, 32, 3], batch: 256, warmUp: true },
      { key: 'resnet18-cifar/32x32x3', model: 'resnet18', options: { stem: 'cifar' }, inputShape: [32, 32, 3], batch: 64, warmUp: true },
      { key: 'mlp-128-128/28x28x1', model: 'mlp', options: { hidden: [128, 128] }, inputShape: [28, 28, 1], batch: 256, warmUp: true },
    ]);
    const resnet = createModel('resnet18', { inputShape: [32, 32, 3], numClasses: 10, options: { stem: 'cifar' } });
    expect(resnet.parameters().reduce((s, p) => s + p.size, 0)).toBe(11_173_962);
    resnet.dispose();
    expect(benchModels(true).every((m) => m.key.includes('-quick/') && m.batch === 8 && m.trainSteps === 1)).toBe(true);
  });

  it('--quick: the real bench in seconds, every ratio from this run (PyTorch when python3 imports torch, else null with how to install it)', async () => {
    const before = liveTensors();
    const r = await benchEngine({ quick: true });
    expect(liveTensors()).toBe(before);
    expectBenchShape(
      r,
      benchModels(true).map((m) => m.key),
    );
    expect(r.quick).toBe(true);
    expect(r.models.map((m) => m.batch)).toEqual([8, 8, 8, 8]);
    for (const m of r.models) {
      if (r.pytorch.available) {
        // Same model in both engines, and the ratio is exactly the quotient of the two figures above it.
        expect(m.pytorch!.parameters).toBe(m.parameters);
        expect(m.pytorch!.threads).toBe(r.provenance.threads);
        expect(m.ratio.train).toBe(m.ours.trainImagesPerSecond / m.pytorch!.trainImagesPerSecond);
        expect(m.ratio.inference).toBe(m.ours.inferenceImagesPerSecond / m.pytorch!.inferenceImagesPerSecond);
      } else {
        expect(m.pytorch).toBeNull();
        expect(m.ratio).toMatchObject({ train: null, inference: null, reason: expect.stringContaining('python3-torch') });
      }
    }
  }, 300_000);

  it('without PyTorch every ratio is null with the reason and the install line, never a stored figure', async () => {
    const r = await benchEngine({ models: TINY.slice(0, 1), pytorch: pythonTorchRunner(path.join(os.tmpdir(), 'no-such-python3')) });
    expectBenchShape(r, ['mlp/8x8x1']);
    expect(r.pytorch).toMatchObject({ available: false, reason: expect.stringContaining('cannot run'), install: expect.stringContaining('apt-get install -y python3-torch') });
    expect(r.models[0].pytorch).toBeNull();
    expect(r.models[0].ratio).toEqual({ train: null, inference: null, reason: expect.stringMatching(/PyTorch is absent .*install: apt-get/) });
  });

  it('divides by the PyTorch figure of the same run and model only: a different model or a failed run gives null with the reason', async () => {
    const asked: Array<{ spec: TorchSpec; threads: number }> = [];
    const stand: PytorchRunner = {
      probe: () => ({ available: true, version: '9.9-stand-in', python: 'stand-in' }),
      measure(spec, threads) {
        asked.push({ spec, threads });
        if (spec.options.depth === 1) throw new Error('PyTorch bench of convnet failed (exit 1): RuntimeError: out of memory');
        const model = createModel(spec.model, { inputShape: spec.inputShape, numClasses: 10, options: spec.options });
        const parameters = model.parameters().reduce((s, p) => s + p.size, 0) + (spec.model === 'convnet' ? 1 : 0);
        model.dispose();
        return { torch: '9.9', threads, peakRssBytes: 1e8, parameters, trainImagesPerSecond: 40, inferenceImagesPerSecond: 160, trainSteps: spec.trainSteps, inferenceSteps: spec.inferenceSteps };
      },
    };
    const r = await benchEngine({ models: TINY, pytorch: stand });
    expectBenchShape(r, TINY.map((m) => m.key));
    // The script gets each model as the engine ran it: same options, batch, steps, optimiser and threads.
    expect(asked.map((a) => a.spec)).toEqual(TINY.map((m) => expect.objectContaining({ model: m.model, options: m.options, inputShape: m.inputShape, batch: m.batch, trainSteps: 1, optimizer: r.optimizer })));
    expect(asked.every((a) => a.threads === r.provenance.threads)).toBe(true);
    const [mlp, wrongModel, failed] = r.models;
    expect(mlp.ratio).toEqual({ train: mlp.ours.trainImagesPerSecond / 40, inference: mlp.ours.inferenceImagesPerSecond / 160, reason: null });
    expect(mlp.pytorch).toMatchObject({ trainImagesPerSecond: 40, trainGflops: (3 * mlp.flops.perImage * 40) / 1e9 });
    expect(wrongModel.ratio).toEqual({ train: null, inference: null, reason: expect.stringMatching(/not the same model: PyTorch has \d+ parameters, ours \d+/) });
    expect(failed.pytorch).toBeNull();
    expect(failed.ratio).toEqual({ train: null, inference: null, reason: expect.stringContaining('out of memory') });
  });

  it('writes the JSON atomically where it is told', async () => {
    const r = await benchEngine({ models: TINY.slice(0, 1), pytorch: pythonTorchRunner(path.join(os.tmpdir(), 'no-such-python3')) });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-bench-'));
    try {
      const file = writeEngineBench(r, path.join(dir, 'nested', 'bench.json'));
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(r);
      expect(fs.readdirSync(path.dirname(file))).toEqual(['bench.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

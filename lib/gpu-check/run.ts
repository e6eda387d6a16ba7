import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { init } from '../engine/init';
import { measureThroughput, type ThroughputSample } from '../bench/engine';
import { writeFileAtomic } from '../io/atomic';
import { probeGpuAdapter, type AdapterReport } from './adapter';
import { checkGradients, GPU_CHECK_MODELS, type GradientReport, type ModelCase } from './gradients';
import { runSmoke, SMOKE_DEFAULTS, type SmokeOptions, type SmokeReport } from './smoke';

/** results/bench/gpu-<YYYY-MM-DD>.json under `root` (where a GPU run's report is committed). */
export function resultsFile(root: string, date = new Date()): string {
  return path.join(root, 'results', 'bench', `gpu-${date.toISOString().slice(0, 10)}.json`);
}

export interface ThroughputCase {
  model: ModelCase;
  batch: number;
}

/** ConvNet-128 on both inputs at the bench's batch 256, and the gpu-paper ResNet-18 at its batch 64. */
export const GPU_CHECK_THROUGHPUT: ThroughputCase[] = [
  { model: GPU_CHECK_MODELS[0], batch: 256 },
  { model: GPU_CHECK_MODELS[1], batch: 256 },
  { model: GPU_CHECK_MODELS[2], batch: 64 },
];

/**
 * The CPU dry run (--quick): tiny geometries of the same models, one step, a small
 * smoke, so that every section of the report runs in seconds on wasm against cpu.
 */
export const QUICK_MODELS: ModelCase[] = [
  { name: 'convnet-4 8x8x1', arch: 'convnet', options: { width: 4, depth: 2 }, inputShape: [8, 8, 1] },
  { name: 'resnet18-w2-instance 16x16x3', arch: 'resnet18', options: { norm: 'instance', width: 2 }, inputShape: [16, 16, 3] },
];
export const QUICK_OPTIONS: Omit<GpuCheckOptions, 'backend'> = {
  baseline: 'cpu',
  gradientModels: QUICK_MODELS,
  throughput: QUICK_MODELS.map((model) => ({ model, batch: 4 })),
  steps: { train: 1, inference: 1 },
  smoke: { trainPerClass: 20, testPerClass: 10, epochs: 1, batchSize: 16, methods: ['cf'], width: 4 },
};

export interface GpuCheckOptions {
  /** The backend under test: 'webgpu' on a GPU machine; 'wasm' only for the CPU dry run of the report code. */
  backend: 'webgpu' | 'wasm';
  /** The backend whose images/s the ratios divide by (default 'wasm': our CPU training). */
  baseline?: 'wasm' | 'cpu';
  gradientModels?: ModelCase[];
  gradientBatch?: number;
  throughput?: ThroughputCase[];
  steps?: { train: number; inference: number };
  /** null: skip the smoke. */
  smoke?: SmokeOptions | null;
  /** Written after every section (so a run cut short still leaves what it measured); else only returned. */
  out?: string;
  log?: (line: string) => void;
}

/** A section's result, or the error that stopped it (the other sections still run). */
export type Section<T> = { ok: true; seconds: number; value: T } | { ok: false; seconds: number; error: string };

export interface ThroughputRow {
  model: string;
  input: string;
  batch: number;
  samples: Record<string, Section<ThroughputSample>>;
  /** backend-under-test images/s divided by the baseline's. */
  trainRatio: number | null;
  inferenceRatio: number | null;
}

export interface GpuCheckReport {
  check: 'gpu-check';
  version: 1;
  date: string;
  complete: boolean;
  node: string;
  backend: string;
  baseline: string;
  adapter: AdapterReport | null;
  engine: string;
  gradients: Section<GradientReport> | null;
  throughput: ThroughputRow[];
  smoke: Section<SmokeReport> | null;
  seconds: number;
}

async function section<T>(work: () => Promise<T>): Promise<Section<T>> {
  const t0 = performance.now();
  try {
    const value = await work();
    return { ok: true, seconds: (performance.now() - t0) / 1000, value };
  } catch (e) {
    return { ok: false, seconds: (performance.now() - t0) / 1000, error: (e as Error).stack ?? String(e) };
  }
}

/**
 * The GPU check: adapter, gradient agreement with the cpu backend on the model geometries, train and
 * inference images/s on the backend under test and the baseline, and the gpu-paper smoke. With backend
 * 'webgpu' it fails at once with NoGpuAdapterError ("no GPU adapter: ...") when there is no GPU.
 */
export async function runGpuCheck(o: GpuCheckOptions): Promise<GpuCheckReport> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const adapter = o.backend === 'webgpu' ? await probeGpuAdapter() : null;
  if (adapter) log(`adapter: ${[adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean).join(' ')}`);
  const baseline = o.baseline ?? 'wasm';
  // The baseline (and cpu, the gradient reference) must be initialised too: init() activates one backend only.
  await init({ backend: baseline, log: false });
  const engine = await init({ backend: o.backend, log: false });
  await tf.setBackend('cpu');
  await tf.setBackend(engine.tfBackend);
  const report: GpuCheckReport = {
    check: 'gpu-check',
    version: 1,
    date: new Date().toISOString(),
    complete: false,
    node: process.version,
    backend: engine.tfBackend,
    baseline,
    adapter,
    engine: engine.summary,
    gradients: null,
    throughput: [],
    smoke: null,
    seconds: 0,
  };
  const save = () => {
    report.seconds = (performance.now() - t0) / 1000;
    if (o.out) writeFileAtomic(o.out, JSON.stringify(report, null, 2) + '\n');
  };
  save();
  log('gradients against the cpu backend');
  report.gradients = await section(() => checkGradients({ backend: engine.tfBackend, models: o.gradientModels, batch: o.gradientBatch, log }));
  save();
  const steps = o.steps ?? { train: 3, inference: 3 };
  for (const c of o.throughput ?? GPU_CHECK_THROUGHPUT) {
    const samples: ThroughputRow['samples'] = {};
    for (const b of [engine.tfBackend, baseline]) {
      await tf.setBackend(b);
      samples[b] = await section(async () =>
        measureThroughput({ model: c.model.arch, modelOptions: c.model.options, inputShape: c.model.inputShape, batch: c.batch, trainSteps: steps.train, inferenceSteps: steps.inference }),
      );
      const s = samples[b];
      log(`${c.model.name} batch ${c.batch} on ${b}: ` + (s.ok ? `train ${s.value.trainImagesPerSecond.toFixed(1)} img/s, inference ${s.value.inferenceImagesPerSecond.toFixed(1)} img/s` : s.error.split('\n')[0]));
    }
    const [a, z] = [samples[engine.tfBackend], samples[baseline]];
    report.throughput.push({
      model: c.model.name,
      input: c.model.inputShape.join('x'),
      batch: c.batch,
      samples,
      trainRatio: a.ok && z.ok ? a.value.trainImagesPerSecond / z.value.trainImagesPerSecond : null,
      inferenceRatio: a.ok && z.ok ? a.value.inferenceImagesPerSecond / z.value.inferenceImagesPerSecond : null,
    });
    save();
  }
  await tf.setBackend(engine.tfBackend);
  const smoke = o.smoke === undefined ? SMOKE_DEFAULTS : o.smoke;
  if (smoke) {
    log(`smoke: resnet18 on padded fashion-mnist, ${smoke.epochs} epochs, methods ${smoke.methods.join(', ')}`);
    report.smoke = await section(() => runSmoke(smoke));
    log(report.smoke.ok ? `smoke: original test acc ${(100 * report.smoke.value.originalTestAcc).toFixed(1)}%` : `smoke failed: ${report.smoke.error.split('\n')[0]}`);
  }
  report.complete = true;
  save();
  return report;
}

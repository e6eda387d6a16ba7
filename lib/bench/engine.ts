import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from '../data/dataset';
import { init, type EngineInfo } from '../engine/init';
import { Rng } from '../engine/rng';
import { createModel } from '../models/registry';
import { Sgd } from '../train/optimizers';
import { trainStep } from '../train/step';

export interface ThroughputSample {
  backend: string;
  model: string;
  input: string;
  batch: number;
  trainImagesPerSecond: number;
  inferenceImagesPerSecond: number;
  trainSteps: number;
  inferenceSteps: number;
}

/**
 * Train (forward + backward + SGD step) and inference images/s of a model on the active backend,
 * after one warm-up step (kernel set-up, XNNPACK packing). Random data: only the speed is measured.
 */
export async function measureThroughput(o: {
  model: string;
  modelOptions?: Record<string, unknown>;
  inputShape: ImageShape;
  batch: number;
  trainSteps: number;
  inferenceSteps: number;
  /** One untimed step first (default true): wasm packs XNNPACK operators on first use. */
  warmUp?: boolean;
}): Promise<ThroughputSample> {
  const rng = new Rng('bench');
  const model = createModel(o.model, { inputShape: o.inputShape, numClasses: 10, seed: 0, options: o.modelOptions });
  const optimizer = new Sgd({ momentum: 0.9, weightDecay: 5e-4 });
  const x = tf.tensor4d(rng.normalArray(o.batch * o.inputShape.reduce((a, b) => a * b, 1)), [o.batch, ...o.inputShape]);
  const y = tf.tensor1d(Int32Array.from({ length: o.batch }, () => rng.int(10)), 'int32');
  // Steps are queued as the training loop queues them (no read per step); the last result is read
  // with `await data()`, which waits for every queued step on an asynchronous backend (webgpu).
  const timed = async (steps: number, one: () => tf.Tensor): Promise<number> => {
    const t = performance.now();
    for (let i = 0; i < steps; i++) {
      const out = one();
      if (i === steps - 1) await out.data();
      out.dispose();
    }
    return (o.batch * steps) / ((performance.now() - t) / 1000);
  };
  const step = () => trainStep(model, optimizer, x, y, 0.01);
  const infer = () => tf.tidy(() => model.predict(x));
  const warmUp = o.warmUp ?? true;
  try {
    if (warmUp) await timed(1, step);
    const train = await timed(o.trainSteps, step);
    if (warmUp) await timed(1, infer);
    const inference = await timed(o.inferenceSteps, infer);
    return {
      backend: tf.getBackend(),
      model: `${o.model}${o.modelOptions?.width ? `-${o.modelOptions.width}` : ''}`,
      input: o.inputShape.join('x'),
      batch: o.batch,
      trainImagesPerSecond: train,
      inferenceImagesPerSecond: inference,
      trainSteps: o.trainSteps,
      inferenceSteps: o.inferenceSteps,
    };
  } finally {
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  }
}

/** PyTorch 1.13 CPU (Debian python3-torch, 2 threads) on the same ConvNet-128 step, measured once on this machine. */
export const PYTORCH_CPU_REFERENCE = { trainImagesPerSecond28x28x1: 186, source: 'issue #2 / DESIGN.md, ConvNet-128, batch 256, 2 threads' };

export interface EngineBench {
  engine: EngineInfo;
  samples: ThroughputSample[];
  cpuSamples: ThroughputSample[];
  ratios: Array<{ input: string; trainVsCpu: number; inferenceVsCpu: number; trainVsPytorchCpu?: number }>;
  pytorchCpu: typeof PYTORCH_CPU_REFERENCE;
}

/**
 * The engine benchmark behind `npm run bench`: reference ConvNet-128 (3 x conv3x3 + instance norm +
 * ReLU + avg-pool) at batch 256 on 28x28x1 and 32x32x3 on the chosen backend, and a short sample
 * (batch 4, one step, no warm-up: the pure-JS backend has nothing to pack and needs minutes for
 * more) on the plain cpu backend in the same run.
 */
export async function benchEngine(o: { quick?: boolean; cpuBatch?: number } = {}): Promise<EngineBench> {
  const engine = await init({ log: false });
  const inputs: ImageShape[] = [
    [28, 28, 1],
    [32, 32, 3],
  ];
  const steps = o.quick ? 1 : 3;
  const samples: ThroughputSample[] = [];
  for (const inputShape of inputs) {
    samples.push(await measureThroughput({ model: 'convnet', modelOptions: { width: 128 }, inputShape, batch: 256, trainSteps: steps, inferenceSteps: steps * 2 }));
  }
  await tf.setBackend('cpu');
  const cpuSamples: ThroughputSample[] = [];
  for (const inputShape of inputs) {
    cpuSamples.push(await measureThroughput({ model: 'convnet', modelOptions: { width: 128 }, inputShape, batch: o.cpuBatch ?? 4, trainSteps: 1, inferenceSteps: 1, warmUp: false }));
  }
  await tf.setBackend(engine.tfBackend);
  const ratios = samples.map((s, i) => ({
    input: s.input,
    trainVsCpu: s.trainImagesPerSecond / cpuSamples[i].trainImagesPerSecond,
    inferenceVsCpu: s.inferenceImagesPerSecond / cpuSamples[i].inferenceImagesPerSecond,
    ...(s.input === '28x28x1' ? { trainVsPytorchCpu: s.trainImagesPerSecond / PYTORCH_CPU_REFERENCE.trainImagesPerSecond28x28x1 } : {}),
  }));
  return { engine, samples, cpuSamples, ratios, pytorchCpu: PYTORCH_CPU_REFERENCE };
}

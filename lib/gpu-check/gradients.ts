import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from '../data/dataset';
import { Rng } from '../engine/rng';
import { createModel } from '../models/registry';
import type { Module } from '../models/nn/module';

/** A model geometry whose kernels the check runs: a registry model with options on one input shape. */
export interface ModelCase {
  name: string;
  arch: string;
  options?: Record<string, unknown>;
  inputShape: ImageShape;
}

/** The models the GPU check covers: ConvNet-128 on both inputs (npm run bench) and the gpu-paper ResNet-18 with either norm. */
export const GPU_CHECK_MODELS: ModelCase[] = [
  { name: 'convnet-128 28x28x1', arch: 'convnet', options: { width: 128 }, inputShape: [28, 28, 1] },
  { name: 'convnet-128 32x32x3', arch: 'convnet', options: { width: 128 }, inputShape: [32, 32, 3] },
  { name: 'resnet18-instance 32x32x3', arch: 'resnet18', options: { norm: 'instance' }, inputShape: [32, 32, 3] },
  { name: 'resnet18-batch 32x32x3', arch: 'resnet18', options: { norm: 'batch' }, inputShape: [32, 32, 3] },
];

/** One kernel call of a model's training forward pass, with its exact attributes (strides, padding, axes...). */
interface KernelCall {
  kernel: string;
  inputs: Array<{ name: string; shape: number[] }>;
  attrs: Record<string, unknown>;
  where: string;
}

export interface GradientCheck {
  /** 'kernel': one tfjs kernel as the model calls it; 'norm': a norm layer (instance norm's gradient is the project's own). */
  what: 'kernel' | 'norm';
  op: string;
  /** The first model (and layer, for norms) where it occurs. */
  where: string;
  inputs: Record<string, number[]>;
  attrs?: Record<string, unknown>;
  /** max |a - b| / max |b| of the forward output and of each gradient against the cpu backend. */
  forwardError: number;
  gradientErrors: Record<string, number>;
  maxError: number;
  passed: boolean;
}

export interface GradientReport {
  backend: string;
  reference: 'cpu';
  tolerance: number;
  batch: number;
  models: string[];
  checks: GradientCheck[];
  maxError: number;
  passed: boolean;
}

/** max |a - b| / max |b| (the measure of the engine's gradient tests). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError: length mismatch ${a.length} vs ${b.length}.`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

/** Kernels with a gradient and only float inputs: what backpropagation through the model runs. */
function differentiable(kernel: string, inputs: tf.NamedTensorMap): boolean {
  return tf.getGradient(kernel) != null && Object.values(inputs).every((t) => t != null && t.dtype === 'float32');
}

/**
 * Every distinct kernel call of the models' training forward passes (batch `batch`), recorded by
 * wrapping the engine's runKernel for the duration of one forward pass per model.
 */
function traceKernels(models: ModelCase[], batch: number): KernelCall[] {
  const engine = tf.engine() as unknown as { runKernel: (k: string, i: tf.NamedTensorMap, a?: object) => unknown };
  const seen = new Map<string, KernelCall>();
  for (const m of models) {
    const model = createModel(m.arch, { inputShape: m.inputShape, numClasses: 10, seed: 0, options: m.options });
    const run = engine.runKernel;
    let depth = 0;
    engine.runKernel = function (kernel, inputs, attrs) {
      depth++;
      let result: unknown;
      try {
        result = run.call(this, kernel, inputs, attrs);
      } finally {
        depth--;
      }
      // Only outermost calls (a kernel may run others) with one float output: what backpropagation differentiates.
      if (depth === 0 && result instanceof tf.Tensor && result.dtype === 'float32' && differentiable(kernel, inputs)) {
        const call: KernelCall = {
          kernel,
          inputs: Object.entries(inputs).map(([name, t]) => ({ name, shape: [...t.shape] })),
          attrs: JSON.parse(JSON.stringify(attrs ?? {})) as Record<string, unknown>,
          where: m.name,
        };
        const key = JSON.stringify([call.kernel, call.inputs, call.attrs]);
        if (!seen.has(key)) seen.set(key, call);
      }
      return result;
    };
    try {
      tf.tidy(() => {
        model.forward(tf.zeros([batch, ...m.inputShape]), true);
      });
    } finally {
      delete (engine as { runKernel?: unknown }).runKernel;
      if (engine.runKernel !== run) engine.runKernel = run;
      model.dispose();
    }
  }
  return [...seen.values()];
}

/** Forward output and input gradients (weighted by a fixed dy) of fn on one backend, read asynchronously (webgpu has no dataSync in Node). */
async function onBackend(backend: string, shapes: number[][], values: Float32Array[], dy: Float32Array, fn: (xs: tf.Tensor[]) => tf.Tensor): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outs = tf.tidy(() => {
    const xs = values.map((v, i) => tf.tensor(v, shapes[i], 'float32'));
    const y = fn(xs);
    const w = tf.tensor(dy, y.shape, 'float32');
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(fn(a), w)))(xs);
    return [y, ...grads];
  });
  try {
    return (await Promise.all(outs.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose(outs);
  }
}

/** Kernels defined for positive inputs only: they get |x| + 0.5 instead of x. */
const POSITIVE_INPUT = new Set(['Rsqrt', 'Sqrt', 'Log', 'Log1p', 'Reciprocal', 'Pow', 'RealDiv']);

async function compare(backend: string, seed: string, shapes: number[][], fn: (xs: tf.Tensor[]) => tf.Tensor, positive = false): Promise<{ forwardError: number; gradientErrors: number[] }> {
  const rng = new Rng(seed);
  const values = shapes.map((s) => rng.normalArray(s.reduce((a, b) => a * b, 1)).map((v) => (positive ? Math.abs(v) + 0.5 : v)));
  await tf.setBackend('cpu');
  const outShape = tf.tidy(() => fn(values.map((v, i) => tf.tensor(v, shapes[i], 'float32'))).shape);
  const dy = rng.normalArray(outShape.reduce((a, b) => a * b, 1));
  const [yRef, ...gRef] = await onBackend('cpu', shapes, values, dy, fn);
  const [y, ...g] = await onBackend(backend, shapes, values, dy, fn);
  return { forwardError: relativeError(y, yRef), gradientErrors: g.map((v, i) => relativeError(v, gRef[i])) };
}

function verdict(c: Omit<GradientCheck, 'maxError' | 'passed'>, tolerance: number): GradientCheck {
  const maxError = Math.max(c.forwardError, ...Object.values(c.gradientErrors));
  // NaN (a non-finite result on either backend) fails; JSON writes it as null.
  return { ...c, maxError, passed: maxError <= tolerance };
}

/**
 * Checks, against the cpu backend, the forward output and every input gradient of each distinct
 * kernel the models run in training (conv, pooling, reductions, matMul, element-wise), on the models'
 * own geometries, and the input and affine-parameter gradients of each distinct norm layer.
 */
export async function checkGradients(o: { backend: string; models?: ModelCase[]; batch?: number; tolerance?: number; log?: (line: string) => void }): Promise<GradientReport> {
  const models = o.models ?? GPU_CHECK_MODELS;
  const batch = o.batch ?? 2;
  const tolerance = o.tolerance ?? 1e-3;
  await tf.setBackend(o.backend);
  const calls = traceKernels(models, batch);
  const checks: GradientCheck[] = [];
  for (const call of calls) {
    const names = call.inputs.map((i) => i.name);
    const r = await compare(o.backend, `${call.kernel}${JSON.stringify(call.inputs)}`, call.inputs.map((i) => i.shape), (xs) =>
      tf.engine().runKernel(call.kernel, Object.fromEntries(names.map((n, i) => [n, xs[i]])), call.attrs as tf.NamedAttrMap) as tf.Tensor,
    POSITIVE_INPUT.has(call.kernel));
    const c = verdict({ what: 'kernel', op: call.kernel, where: call.where, inputs: Object.fromEntries(call.inputs.map((i) => [i.name, i.shape])), attrs: call.attrs, forwardError: r.forwardError, gradientErrors: Object.fromEntries(names.map((n, i) => [n, r.gradientErrors[i]])) }, tolerance);
    checks.push(c);
    o.log?.(`${c.passed ? 'ok  ' : 'FAIL'} ${c.op} ${JSON.stringify(c.inputs)} max rel. error ${c.maxError.toExponential(2)}`);
  }
  checks.push(...(await checkNorms(o.backend, models, batch, tolerance, o.log)));
  const maxError = Math.max(0, ...checks.map((c) => c.maxError));
  return { backend: o.backend, reference: 'cpu', tolerance, batch, models: models.map((m) => m.name), checks, maxError, passed: checks.every((c) => c.passed) };
}

/** Output, input gradient and gamma/beta gradients of a norm layer on one backend, with the given values. */
async function normOnBackend(backend: string, mod: Module, shape: number[], values: Float32Array[], dy: Float32Array): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const [gamma, beta] = mod.parameters();
  tf.tidy(() => {
    gamma.assign(tf.tensor1d(values[1]));
    beta.assign(tf.tensor1d(values[2]));
  });
  const outs = tf.tidy(() => {
    const x = tf.tensor(values[0], shape, 'float32');
    const w = tf.tensor(dy, shape, 'float32');
    const loss = (v: tf.Tensor) => tf.sum(tf.mul(mod.forward(v, true), w)) as tf.Scalar;
    const { grads } = tf.variableGrads(() => loss(x), [gamma, beta]);
    return [mod.forward(x, true), tf.grad(loss)(x), grads[gamma.name], grads[beta.name]];
  });
  try {
    return (await Promise.all(outs.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose(outs);
  }
}

/** Norm layers as whole modules: their gradient is custom code (instance norm) or autodiff through tf.moments (batch norm). */
async function checkNorms(backend: string, models: ModelCase[], batch: number, tolerance: number, log?: (line: string) => void): Promise<GradientCheck[]> {
  const out: GradientCheck[] = [];
  const seen = new Set<string>();
  for (const m of models) {
    // Built and first run on cpu, so that its variables (batch norm's running statistics too) only ever
    // move from cpu to the GPU: the reverse move reads synchronously, which webgpu cannot do in Node.
    await tf.setBackend('cpu');
    const model = createModel(m.arch, { inputShape: m.inputShape, numClasses: 10, seed: 0, options: m.options });
    try {
      // Each norm layer's input shape, recorded during one forward pass.
      const norms = model.namedModules().filter(([, mod]) => /Norm$/.test(mod.constructor.name));
      const shapes = new Map<string, number[]>();
      for (const [name, mod] of norms) {
        const forward = mod.forward.bind(mod);
        mod.forward = (x: tf.Tensor, training: boolean) => {
          if (!shapes.has(name)) shapes.set(name, [...x.shape]);
          return forward(x, training);
        };
      }
      try {
        tf.tidy(() => {
          model.forward(tf.zeros([batch, ...m.inputShape]), true);
        });
      } finally {
        for (const [, mod] of norms) delete (mod as { forward?: unknown }).forward;
      }
      for (const [name, mod] of norms) {
        const shape = shapes.get(name);
        const key = `${mod.constructor.name} ${shape?.join('x')}`;
        if (shape == null || seen.has(key)) continue;
        seen.add(key);
        const rng = new Rng(key);
        const c = shape[3];
        // Random gamma and beta: a fresh layer's 1 and 0 would hide a wrong affine gradient.
        const values = [rng.normalArray(shape.reduce((a, b) => a * b, 1)), rng.normalArray(c), rng.normalArray(c)];
        const dy = rng.normalArray(values[0].length);
        const ref = await normOnBackend('cpu', mod, shape, values, dy);
        const got = await normOnBackend(backend, mod, shape, values, dy);
        const err = got.map((v, i) => relativeError(v, ref[i]));
        const check = verdict({ what: 'norm', op: mod.constructor.name, where: `${m.name} ${name}`, inputs: { x: shape }, forwardError: err[0], gradientErrors: { x: err[1], gamma: err[2], beta: err[3] } }, tolerance);
        out.push(check);
        log?.(`${check.passed ? 'ok  ' : 'FAIL'} ${check.op} ${shape.join('x')} max rel. error ${check.maxError.toExponential(2)}`);
      }
    } finally {
      await tf.setBackend(backend);
      model.dispose();
    }
  }
  return out;
}

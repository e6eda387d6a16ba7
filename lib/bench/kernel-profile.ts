import * as tf from '@tensorflow/tfjs';
import { WASM_KERNELS } from '../engine/wasm-kernels/register';
import type { Classifier } from '../models/classifier';
import { crossEntropy } from '../train/losses';
import type { Optimizer } from '../train/optimizers';
import { trainStep } from '../train/step';
import { isBackendKernel, kernelFlops } from './flops';

export type StepPhase = 'forward' | 'backward' | 'optimizer';

export interface KernelTotal {
  kernel: string;
  calls: number;
  ms: number;
  /** Share of this phase's kernel time. */
  shareOfPhase: number;
  /** Share of the whole step's kernel time. */
  shareOfStep: number;
  /** FLOPs these calls did (see kernelFlops) per second of their time; null for pure data movement. */
  gflops: number | null;
  /** One of the kernels this project registers on wasm (lib/engine/wasm-kernels). */
  custom: boolean;
}

export interface KernelCall {
  phase: StepPhase;
  kernel: string;
  ms: number;
  inputShapes: Array<number[] | null>;
  outputShape: number[];
  gflops: number | null;
}

export interface StepProfile {
  /** How the times were taken. */
  timing: string;
  /** Wall time of the profiled step (profiling adds a little bookkeeping per kernel). */
  stepWallMs: number;
  /** Sum of the kernels' own times; the rest of the wall time is JavaScript (tape, tidy, dispatch). */
  kernelMs: number;
  phases: Record<StepPhase, { ms: number; shareOfStep: number; kernels: KernelTotal[] }>;
  /**
   * Composite ops (tf.customGrad: instance norm's 'forward', 'logSoftmax__op') by phase: their time
   * includes their inner kernels, which are counted above, so they are left out of every total.
   */
  composites: Array<{ phase: StepPhase; name: string; calls: number; ms: number }>;
  /** The slowest single calls, with their shapes (which layer they belong to). */
  slowestCalls: KernelCall[];
  /** Tensor memory of the step (tf.memory / tf.profile bytes, the engine's bookkeeping of live tensors). */
  tensorBytes: {
    /** Live before the step: weights, optimiser state, the batch. */
    beforeStep: number;
    /** The most live at any kernel of the step. */
    peak: number;
    /** peak - beforeStep: activations and gradients the step holds at its worst. */
    peakAddedByStep: number;
    /** Left after the step (0 unless the step leaks or creates optimiser state). */
    leftAfterStep: number;
    tensorsLeftAfterStep: number;
  };
}

const CUSTOM = new Set(WASM_KERNELS.map((k) => k.kernelName));

/** An optimiser that notes when its step starts: the backward pass is over by then. */
function marking(optimizer: Optimizer, mark: () => void): Optimizer {
  return {
    kind: optimizer.kind,
    step: (params, grads, lr) => {
      mark();
      optimizer.step(params, grads, lr);
    },
    dispose: () => optimizer.dispose(),
  };
}

/**
 * One training step (the same trainStep the bench times) under tf.profile, split into forward (up to
 * the loss), backward (gradients) and optimiser phases, with each kernel's time. On wasm every
 * kernel runs synchronously and the backend's timer is the wall clock around the kernel call, so the
 * times are real; on an asynchronous backend (webgpu) they are its own timer queries.
 */
export async function profileTrainStep(model: Classifier, optimizer: Optimizer, x: tf.Tensor4D, y: tf.Tensor1D, lr: number, top = 12): Promise<StepProfile> {
  // tf.profile keeps its records on the engine state; the count at a moment splits the phases.
  const recorded = () => tf.engine().state.activeProfile.kernels.length;
  const marks = { forwardEnd: 0, backwardEnd: 0 };
  const loss = (logits: tf.Tensor2D, labels: tf.Tensor1D) => {
    const l = crossEntropy(logits, labels);
    marks.forwardEnd = recorded();
    return l;
  };
  const stepper = marking(optimizer, () => (marks.backwardEnd = recorded()));
  const beforeStep = tf.memory().numBytes;
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    const value = trainStep(model, stepper, x, y, lr, loss);
    await value.data();
    value.dispose();
  });
  const stepWallMs = performance.now() - t0;

  const phaseOf = (i: number): StepPhase => (i < marks.forwardEnd ? 'forward' : i < marks.backwardEnd ? 'backward' : 'optimizer');
  const composites: StepProfile['composites'] = [];
  const calls: KernelCall[] = [];
  info.kernels.forEach((k, i) => {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : NaN;
    if (!isBackendKernel(k.name)) {
      const c = composites.find((e) => e.phase === phaseOf(i) && e.name === k.name);
      if (c) {
        c.calls += 1;
        c.ms += ms;
      } else composites.push({ phase: phaseOf(i), name: k.name, calls: 1, ms });
      return;
    }
    const { flops, kind } = kernelFlops({ name: k.name, inputShapes: k.inputShapes, outputShapes: k.outputShapes });
    calls.push({
      phase: phaseOf(i),
      kernel: k.name,
      ms,
      inputShapes: k.inputShapes,
      outputShape: k.outputShapes[0] ?? [],
      gflops: kind === 'movement' || !(ms > 0) ? null : flops / (ms * 1e6),
    });
  });
  const kernelMs = calls.reduce((s, c) => s + (Number.isFinite(c.ms) ? c.ms : 0), 0);
  const phases = {} as StepProfile['phases'];
  for (const phase of ['forward', 'backward', 'optimizer'] as const) {
    const mine = calls.filter((c) => c.phase === phase);
    const phaseMs = mine.reduce((s, c) => s + (Number.isFinite(c.ms) ? c.ms : 0), 0);
    const byName = new Map<string, { calls: number; ms: number; flops: number; moves: boolean }>();
    for (const c of mine) {
      const e = byName.get(c.kernel) ?? { calls: 0, ms: 0, flops: 0, moves: true };
      e.calls += 1;
      e.ms += Number.isFinite(c.ms) ? c.ms : 0;
      if (c.gflops != null) {
        e.flops += c.gflops * c.ms * 1e6;
        e.moves = false;
      }
      byName.set(c.kernel, e);
    }
    const kernels = [...byName.entries()]
      .map(([kernel, e]) => ({
        kernel,
        calls: e.calls,
        ms: e.ms,
        shareOfPhase: phaseMs > 0 ? e.ms / phaseMs : 0,
        shareOfStep: kernelMs > 0 ? e.ms / kernelMs : 0,
        gflops: e.moves || !(e.ms > 0) ? null : e.flops / (e.ms * 1e6),
        custom: CUSTOM.has(kernel),
      }))
      .sort((p, q) => q.ms - p.ms);
    phases[phase] = { ms: phaseMs, shareOfStep: kernelMs > 0 ? phaseMs / kernelMs : 0, kernels };
  }
  return {
    timing: `tf.profile on the ${tf.getBackend()} backend: per-kernel time from the backend's timer (wasm: wall clock around each synchronous kernel call)`,
    stepWallMs,
    kernelMs,
    phases,
    composites,
    slowestCalls: [...calls].sort((p, q) => q.ms - p.ms).slice(0, top),
    tensorBytes: {
      beforeStep,
      peak: info.peakBytes,
      peakAddedByStep: info.peakBytes - beforeStep,
      leftAfterStep: info.newBytes,
      tensorsLeftAfterStep: info.newTensors,
    },
  };
}

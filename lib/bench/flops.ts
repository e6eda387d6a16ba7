import * as tf from '@tensorflow/tfjs';
import type { ImageShape } from '../data/dataset';
import type { Classifier } from '../models/classifier';

/** What a kernel's arithmetic is counted as: convolutions and matrix products dominate; movement is free. */
export type FlopKind = 'conv' | 'matmul' | 'elementwise' | 'movement';

/** The shapes tf.profile records for one kernel call (inputs in the op's input order, then outputs). */
export interface KernelShapes {
  name: string;
  inputShapes: Array<number[] | null>;
  outputShapes: number[][];
}

const size = (shape: number[] | null | undefined): number => (shape ?? []).reduce((a, b) => a * b, 1);

/** Kernels that only move, copy or make data: no arithmetic. */
const MOVEMENT = new Set([
  'Reshape', 'Transpose', 'Identity', 'Cast', 'PadV2', 'MirrorPad', 'Slice', 'StridedSlice', 'Concat', 'Fill',
  'ZerosLike', 'OnesLike', 'Tile', 'Pack', 'Unpack', 'GatherV2', 'GatherNd', 'Reverse', 'Range', 'OneHot',
  'BroadcastTo', 'ExpandDims', 'Squeeze', 'SplitV', 'Select', 'ScatterNd', 'Complex', 'Real', 'Imag',
]);

/** Reductions read every input element once. */
const REDUCTIONS = new Set(['Sum', 'Mean', 'Max', 'Min', 'Prod', 'ArgMax', 'ArgMin', 'All', 'Any', 'AvgPool', 'MaxPool']);

/**
 * Floating-point operations of one kernel call from its shapes, a multiply-add counted as 2:
 * convolutions and their two gradients 2 x (output or dy elements) x (kh x kw x in channels), matrix
 * products 2 x M x N x K, every other arithmetic kernel 1 per element (of its input for reductions
 * and pooling, of its output otherwise), data movement 0.
 */
export function kernelFlops(k: KernelShapes): { flops: number; kind: FlopKind } {
  const out = k.outputShapes[0] ?? [];
  const [a, b] = k.inputShapes;
  switch (k.name) {
    case 'Conv2D':
    case 'FusedConv2D': {
      const [kh, kw, ci] = b ?? [];
      return { flops: 2 * size(out) * kh * kw * ci, kind: 'conv' };
    }
    case 'Conv2DBackpropInput': {
      // inputs { dy, filter }: the forward conv's work, read backwards.
      const [kh, kw, ci] = b ?? [];
      return { flops: 2 * size(a) * kh * kw * ci, kind: 'conv' };
    }
    case 'Conv2DBackpropFilter': {
      // inputs { x, dy }, output the filter [kh, kw, in, out].
      const [kh, kw, ci] = out;
      return { flops: 2 * size(b) * kh * kw * ci, kind: 'conv' };
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D': {
      const [kh, kw] = b ?? [];
      return { flops: 2 * size(out) * kh * kw, kind: 'conv' };
    }
    case 'MatMul':
    case 'BatchMatMul':
    case '_FusedMatMul': {
      // out [..., M, N]; a holds M and K in its last two axes, in either order (transposeA).
      const m = out[out.length - 2];
      const aLast = a?.[a.length - 1];
      const inner = aLast === m ? a![a!.length - 2] : aLast!;
      return { flops: 2 * size(out) * inner, kind: 'matmul' };
    }
    default:
      if (MOVEMENT.has(k.name)) return { flops: 0, kind: 'movement' };
      return { flops: REDUCTIONS.has(k.name) ? size(a) : size(out), kind: 'elementwise' };
  }
}

/**
 * Whether a profile record is a kernel of the active backend. tf.profile also records composite ops
 * built with tf.customGrad (instance norm's 'forward', 'logSoftmax__op'): their inner kernels are
 * recorded on their own as well, so counting the composite too would count its work twice.
 */
export function isBackendKernel(name: string, backend: string = tf.getBackend()): boolean {
  return tf.getKernel(name, backend) != null;
}

export interface ForwardFlops {
  /** Forward FLOPs per image, all kernels. */
  perImage: number;
  byKind: Record<Exclude<FlopKind, 'movement'>, number>;
  /** Forward + backward per image by the usual convention, 3 x forward (the backward computes a gradient for inputs and for weights, each about one forward). */
  trainStepPerImage: number;
  convention: string;
}

/**
 * Counts the forward FLOPs of a model per image from the kernels its forward pass runs (tf.profile
 * of one training-mode forward on a batch of 2 zero images), so the count follows the real graph of
 * any model in the zoo. Conv and matmul counts scale exactly with the batch.
 */
export async function countForwardFlops(model: Classifier, inputShape: ImageShape): Promise<ForwardFlops> {
  const batch = 2;
  const x = tf.zeros([batch, ...inputShape]);
  try {
    const info = await tf.profile(() => {
      tf.tidy(() => {
        model.forward(x, true);
      });
    });
    const byKind = { conv: 0, matmul: 0, elementwise: 0 };
    for (const k of info.kernels) {
      if (!isBackendKernel(k.name)) continue;
      const { flops, kind } = kernelFlops({ name: k.name, inputShapes: k.inputShapes, outputShapes: k.outputShapes });
      if (kind !== 'movement') byKind[kind] += flops / batch;
    }
    const perImage = byKind.conv + byKind.matmul + byKind.elementwise;
    return {
      perImage,
      byKind,
      trainStepPerImage: 3 * perImage,
      convention: 'a multiply-add is 2 FLOPs; conv/matmul exact from the kernel shapes of one forward pass, other arithmetic kernels 1 FLOP per element; train step = 3 x forward',
    };
  } finally {
    x.dispose();
  }
}

import * as tf from '@tensorflow/tfjs';
import { withKernelScope } from './kernel-scope';

/**
 * BatchMatMul with a transposed operand: tfjs-backend-wasm hands only the plain product to XNNPACK
 * and runs a transposed one in a scalar loop, 10-15x slower ([256,784]^T x [256,128]: 18 ms, against
 * 1.7 ms for an explicit Transpose and the plain product). Every Linear layer's backward pass asks for
 * both transposes (dW = x^T dy, dx = dy W^T), so the transposes are done first here.
 */
export function makeBatchMatMul(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return original(args);
    const backend = args.backend as tf.KernelBackend;
    return withKernelScope(backend, 'wasm', (s) => {
      const swapLast = (t: tf.TensorInfo) => {
        const perm = t.shape.map((_, i) => i);
        [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
        return s.run('Transpose', { x: t }, { perm });
      };
      const plain = { ...args.attrs, transposeA: false, transposeB: false };
      return original({ ...args, inputs: { a: transposeA ? swapLast(a) : a, b: transposeB ? swapLast(b) : b }, attrs: plain }) as tf.TensorInfo;
    });
  };
}

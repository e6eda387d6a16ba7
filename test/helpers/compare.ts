// The gradient tests and the GPU check compare tensors the same way: one definition, in lib.
export { relativeError } from '../../lib/gpu-check/gradients';

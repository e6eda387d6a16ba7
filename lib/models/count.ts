import type { Module } from './nn/module';

export interface CountOptions {
  /** Also count non-trainable buffers such as batch-norm running statistics (default false). */
  buffers?: boolean;
}

/**
 * Number of trainable scalars, as PyTorch's sum(p.numel() for p in model.parameters()); with
 * { buffers: true } the running statistics are added (PyTorch's num_batches_tracked is not kept here).
 */
export function countParameters(model: Module, o: CountOptions = {}): number {
  const params = model.namedParameters().reduce((s, [, v]) => s + v.size, 0);
  if (!o.buffers) return params;
  return params + model.namedBuffers().reduce((s, [, v]) => s + v.size, 0);
}

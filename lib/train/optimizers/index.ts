import { Adam } from './adam';
import type { Optimizer, OptimizerSpec } from './optimizer';
import { Sgd } from './sgd';

export type { Optimizer, OptimizerSpec, SgdSpec, AdamSpec } from './optimizer';
export { Sgd } from './sgd';
export { Adam } from './adam';

export function createOptimizer(spec: OptimizerSpec): Optimizer {
  switch (spec.kind) {
    case 'sgd':
      return new Sgd(spec);
    case 'adam':
      return new Adam(spec);
    default:
      throw new Error(`Unknown optimizer '${(spec as { kind: string }).kind}'. Choose 'sgd' or 'adam'.`);
  }
}

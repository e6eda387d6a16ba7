import type { Classifier } from '../../models/classifier';
import { createModel } from '../../models/registry';

/**
 * A randomly initialised, untrained model of the original's architecture and shape, seeded by `seed`
 * (never the original's own seed): the retrained model, a from-scratch student, an incompetent teacher
 * or the "initial model" of Initial Label. The caller owns it.
 */
export function freshModelLike(original: Classifier, seed: string): Classifier {
  return createModel(original.spec.arch, { ...original.spec, seed });
}

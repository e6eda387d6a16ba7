import { defineUnlearner } from '../framework/define';
import {
  crossEntropySteps,
  FORGET_ONLY_MODES,
  forgetTraining,
  L2UL_SGD_DEFAULTS,
  SGD_CHECKS,
  sgdOptimizer,
  type ForgetOnlyConfig,
  type SgdConfig,
} from '../framework/forget-training';

/**
 * NegGrad as the SULI paper uses it (forget set only; L2UL "naive" baseline, docs/reference/suli.md#s9): gradient ascent
 * on the forget set, i.e. minimise -CE(f(x), y), until forget accuracy reaches the target.
 * (SCRUB's "NegGrad" that also descends on the retain set is NegGrad+, a different method.)
 */
export interface NegGradConfig extends ForgetOnlyConfig, SgdConfig {}

/** The L2UL recipe itself (L2UL_SGD_DEFAULTS: SGD 1e-3, momentum 0.9, wd 1e-4, batch 32, cap 1000 epochs). */
export const NEGGRAD_DEFAULTS: NegGradConfig = { ...L2UL_SGD_DEFAULTS };

export const negGrad = defineUnlearner<NegGradConfig>({
  name: 'neggrad',
  description: 'NegGrad (Golatkar et al.; L2UL baseline): gradient ascent on the forget set until forget accuracy hits the target; forget set only.',
  uses: { retain: false, testPool: false, reference: true },
  modes: FORGET_ONLY_MODES,
  defaults: NEGGRAD_DEFAULTS,
  checks: SGD_CHECKS,
  smokeConfig: { epochs: 2 },
  train: forgetTraining<NegGradConfig>('neggrad', sgdOptimizer, ({ model, forget, rng }, c) => {
    const order = rng.fork('batches');
    return { epochSteps: () => crossEntropySteps(model, forget, c.batchSize, order, true) };
  }),
});

import { oneOf, type Checks } from '../framework/config';
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
import { randomOtherLabels } from '../shared/adversarial';

/**
 * Random Label (Graves et al. 2020; docs/reference/suli.md#s9): fine-tune on the forget set with each label replaced by
 * a class drawn uniformly from the other classes, cross-entropy, forget set only (SalUn's RL also
 * mixes in the retain set; that is not this baseline).
 */
export interface RandomLabelConfig extends ForgetOnlyConfig, SgdConfig {
  /** 'once': one random label per sample for the whole run (Graves); 'every-epoch': redrawn each epoch. */
  relabel: 'once' | 'every-epoch';
}

/** docs/reference/suli.md#s9 [rec]: the NegGrad optimiser and stopping rule (SGD 1e-3, momentum 0.9, wd 1e-4, batch 32, cap 1000). */
export const RANDOM_LABEL_DEFAULTS: RandomLabelConfig = { ...L2UL_SGD_DEFAULTS, relabel: 'once' };

const CHECKS: Checks<RandomLabelConfig> = { ...SGD_CHECKS, relabel: oneOf('once', 'every-epoch') };

export const randomLabel = defineUnlearner<RandomLabelConfig>({
  name: 'random-label',
  description: 'Random Label (Graves et al.): fine-tune on the forget set relabelled with random other classes; forget set only.',
  uses: { retain: false, testPool: false, reference: true },
  modes: FORGET_ONLY_MODES,
  defaults: RANDOM_LABEL_DEFAULTS,
  checks: CHECKS,
  smokeConfig: { epochs: 2 },
  train: forgetTraining<RandomLabelConfig>('random-label', sgdOptimizer, ({ model, forget, rng }, c) => {
    const k = forget.classNames.length;
    const labelRng = rng.fork('labels');
    const order = rng.fork('batches');
    let relabelled = { ...forget, labels: randomOtherLabels(forget.labels, k, labelRng) };
    return {
      epochSteps: (epoch) => {
        if (c.relabel === 'every-epoch' && epoch > 0) relabelled = { ...forget, labels: randomOtherLabels(forget.labels, k, labelRng) };
        return crossEntropySteps(model, relabelled, c.batchSize, order);
      },
    };
  }),
});

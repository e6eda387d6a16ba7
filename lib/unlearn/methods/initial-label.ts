import { predict } from '../../train/evaluate';
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
import { freshModelLike } from '../shared/fresh-model';

/**
 * Initial Label (SULI paper baseline (e), attributed to Chundawat et al. 2022a; docs/reference/suli.md#s9). No public
 * definition exists. Adopted here: relabel each forget sample with the argmax prediction of a
 * randomly initialised, untrained copy of the architecture (the "initial model"), then fine-tune on
 * the forget set with cross-entropy. The initial label can equal the true label (about 1 in K
 * samples), which is consistent with the paper's Table 2, where Initial Label leaves about 10% of a
 * 10-class forget set correct. docs/reference/suli.md#s9's other reading, the original model's second-best class, is
 * available as `labels: 'second-best'`.
 */
export type InitialLabelConfig = ForgetOnlyConfig &
  SgdConfig & {
    /** 'initial-model' (default): argmax of an untrained copy; 'second-best': the original model's runner-up class. */
    labels: 'initial-model' | 'second-best';
  };

/** No reference recipe: the NegGrad/Random Label optimiser and stopping rule (docs/reference/suli.md#s9 [rec]). */
export const INITIAL_LABEL_DEFAULTS: InitialLabelConfig = { ...L2UL_SGD_DEFAULTS, labels: 'initial-model' };

/** Per sample, the class with the second-highest logit (never the argmax). */
function secondBestLabels(logits: Float32Array, k: number): Int32Array {
  const n = logits.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let second = -1;
    for (let j = 1; j < k; j++) {
      const v = logits[i * k + j];
      if (v > logits[i * k + best]) {
        second = best;
        best = j;
      } else if (second < 0 || v > logits[i * k + second]) {
        second = j;
      }
    }
    out[i] = second;
  }
  return out;
}

const CHECKS: Checks<InitialLabelConfig> = { ...SGD_CHECKS, labels: oneOf('initial-model', 'second-best') };

export const initialLabel = defineUnlearner<InitialLabelConfig>({
  name: 'initial-label',
  description:
    'Initial Label (SULI paper baseline): fine-tune on the forget set relabelled by an untrained, randomly initialised copy of the network; forget set only.',
  uses: { retain: false, testPool: false, reference: true },
  modes: FORGET_ONLY_MODES,
  defaults: INITIAL_LABEL_DEFAULTS,
  checks: CHECKS,
  smokeConfig: { epochs: 2 },
  train: forgetTraining<InitialLabelConfig>('initial-label', sgdOptimizer, async ({ model, original, forget, rng }, c) => {
      let labels: Int32Array;
      if (c.labels === 'second-best') {
        labels = secondBestLabels((await predict(original, forget)).logits, original.numClasses);
      } else {
        const initial = freshModelLike(original, `${rng.seed}/initial-model`);
        try {
          labels = (await predict(initial, forget)).predicted;
        } finally {
          initial.dispose();
        }
      }
      const relabelled = { ...forget, labels };
      let same = 0;
      labels.forEach((l, i) => (same += l === forget.labels[i] ? 1 : 0));
      const order = rng.fork('batches');
      return {
        info: { initialLabelAgreement: same / labels.length },
        epochSteps: () => crossEntropySteps(model, relabelled, c.batchSize, order),
      };
  }),
});

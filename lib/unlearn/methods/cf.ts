import { defineUnlearner } from '../framework/define';
import { plainRetainPasses, RETAIN_USE, retainTraining, TRAIN_CHECKS, type TrainConfig } from '../framework/retain-training';

export type CfConfig = TrainConfig;

/** Reference DC_Unlearning (docs/reference/blend-a-amu.md#a7), CIFAR-10 ResNet-18, full retain set: SGD 0.04, momentum 0.502, wd 0.0014, 50 epochs, warm-up 5 + cosine. */
export const CF_DEFAULTS: CfConfig = {
  epochs: 50,
  batchSize: 64,
  lr: 0.04,
  optimizer: 'sgd',
  momentum: 0.502,
  weightDecay: 0.0014,
  schedule: 'cosine',
  warmupEpochs: 5,
};

/** Catastrophic forgetting / fine-tuning: keep training the original model on the retain set only. */
export const cf = defineUnlearner<CfConfig>({
  name: 'cf',
  description: 'Fine-tune the original model on the retain set (CF; Blend/A-AMU reference recipe, docs/reference/blend-a-amu.md#a7).',
  uses: RETAIN_USE,
  modes: [],
  defaults: CF_DEFAULTS,
  checks: TRAIN_CHECKS,
  smokeConfig: { epochs: 1 },
  hookable: true,
  train: retainTraining('cf', (run) => ({ passes: plainRetainPasses(run) })),
});

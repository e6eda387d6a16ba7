import * as tf from '@tensorflow/tfjs';
import { nonNegativeInt, nonNegativeNumber, oneOf, type Checks } from '../framework/config';
import { defineUnlearner } from '../framework/define';
import { RETAIN_USE, retainPass, retainTraining, TRAIN_CHECKS, type TrainConfig } from '../framework/retain-training';

export interface L1SparseConfig extends TrainConfig {
  /** alpha: weight of the L1 norm of all parameters. */
  l1Alpha: number;
  /**
   * 'linear-decay' (DC_Unlearning sparsification): alpha_e = alpha * (1 - e / (E - noL1Epochs)) for e < E - noL1Epochs,
   * then 0. 'constant': alpha every epoch (A-L1).
   */
  l1Schedule: 'linear-decay' | 'constant';
  /** Final epochs trained without the L1 term (DC_Unlearning `no_l1_epochs`). */
  noL1Epochs: number;
}

/** Reference DC_Unlearning (docs/reference/blend-a-amu.md#a7), CIFAR-10 ResNet-18 full retain set: alpha 1e-4, 30 epochs, no_l1 1, SGD 1e-2, momentum 0.9, wd 5e-4, constant lr. */
export const L1_SPARSE_DEFAULTS: L1SparseConfig = {
  epochs: 30,
  batchSize: 64,
  lr: 1e-2,
  optimizer: 'sgd',
  momentum: 0.9,
  weightDecay: 5e-4,
  schedule: 'constant',
  warmupEpochs: 0,
  l1Alpha: 1e-4,
  l1Schedule: 'linear-decay',
  noL1Epochs: 1,
};

const CHECKS: Checks<L1SparseConfig> = {
  ...TRAIN_CHECKS,
  l1Alpha: nonNegativeNumber,
  l1Schedule: oneOf('linear-decay', 'constant'),
  noL1Epochs: nonNegativeInt,
};

/** The L1 weight of a (0-based) epoch. */
export function l1AlphaAt(c: L1SparseConfig, epoch: number): number {
  if (c.l1Schedule === 'constant') return c.l1Alpha;
  const span = c.epochs - c.noL1Epochs;
  return epoch < span ? c.l1Alpha * (1 - epoch / span) : 0;
}

/** Sparsity-aware unlearning (Jia et al. 2023): fine-tune on the retain set with an L1 penalty on all weights. */
export const l1Sparse = defineUnlearner<L1SparseConfig>({
  name: 'l1-sparse',
  description: 'Fine-tune on the retain set with CE + alpha_e * ||theta||_1, alpha decaying linearly to 0 (DC_Unlearning sparsification, docs/reference/blend-a-amu.md#a7).',
  uses: RETAIN_USE,
  modes: [],
  defaults: L1_SPARSE_DEFAULTS,
  checks: CHECKS,
  validate: (c) => (c.noL1Epochs > c.epochs ? { key: 'noL1Epochs', rule: `<= config.epochs (${c.epochs})` } : null),
  smokeConfig: { epochs: 2, noL1Epochs: 1 },
  hookable: true,
  train: retainTraining('l1-sparse', ({ inputs, config, model, hook }) => {
    const params = model.parameters();
    return {
      passes: (epoch) => {
        const alpha = l1AlphaAt(config, epoch);
        const other = alpha > 0 ? () => tf.mul(tf.addN(params.map((p) => tf.sum(tf.abs(p)))), alpha) as tf.Scalar : undefined;
        return [retainPass(inputs.retain, config.batchSize, hook, { other })];
      },
      epochExtra: (epoch) => ({ l1Alpha: l1AlphaAt(config, epoch) }),
    };
  }),
});

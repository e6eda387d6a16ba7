import { PhaseTimer } from '../../engine/timer';
import { cloneModel } from '../../models/registry';
import type { UnlearnInputs } from '../contract';
import { oneOf, positiveInt, resolveConfig, unitInterval, type Checks } from '../common/config';
import { checkInputs } from '../common/inputs';
import { PLAIN_LOSS, retainPass, type HookableUnlearner, type RetainLossHook } from '../common/retain-loss';
import { runTrainingMethod } from '../common/run-method';
import { PruningMasks, prunableWeights, synflowScores, type PrunableLayers } from '../common/sparsity';
import { TRAIN_CHECKS, type TrainConfig } from '../common/training';

export interface SynflowConfig extends TrainConfig {
  sparsity: number;
  /** Scoring/pruning rounds before fine-tuning; each keeps (1 - sparsity)^(1/rounds) of the remaining weights. */
  pruneIterations: number;
  layers: PrunableLayers;
  /**
   * How instance-norm layers are treated while scoring (not in the reference, whose networks use batch
   * norm): 'affine' = gamma x + beta like batch norm in evaluation mode; 'normalise' = as in the forward
   * pass, which scores the conv in front of it ~0 and prunes it away (see synflowScores).
   */
  instanceNorm: 'affine' | 'normalise';
}

/** Reference R2 (spec B7): 100 SynFlow rounds to 95 % sparsity of Conv2d + Linear weights, then Adam 1e-3 for 30 epochs, batch 256. */
export const SYNFLOW_DEFAULTS: SynflowConfig = {
  epochs: 30,
  batchSize: 256,
  lr: 1e-3,
  optimizer: 'adam',
  momentum: 0,
  weightDecay: 0,
  schedule: 'constant',
  warmupEpochs: 0,
  sparsity: 0.95,
  pruneIterations: 100,
  layers: 'conv+linear',
  instanceNorm: 'affine',
};

const CHECKS: Checks<SynflowConfig> = { ...TRAIN_CHECKS, sparsity: unitInterval, pruneIterations: positiveInt, layers: oneOf('conv', 'conv+linear'), instanceNorm: oneOf('affine', 'normalise') };

async function runSynflow(inputs: UnlearnInputs<SynflowConfig>, hook: RetainLossHook) {
  checkInputs('synflow', inputs, { retain: true });
  const config = resolveConfig('synflow', SYNFLOW_DEFAULTS, inputs.config, CHECKS);
  const timer = new PhaseTimer();
  const model = timer.time('setup', () => cloneModel(inputs.original));
  let masks: PruningMasks | undefined;
  try {
    masks = new PruningMasks(prunableWeights(model, config.layers));
    // Data-free iterative pruning with the exponential density schedule of SynFlow.
    timer.time('prune', () => {
      const total = masks!.total;
      for (let r = 0; r < config.pruneIterations; r++) {
        const keep = Math.floor(total * (1 - config.sparsity) ** ((r + 1) / config.pruneIterations));
        masks!.keepTop(synflowScores(model, masks!, config.instanceNorm), keep);
      }
    });
  } catch (e) {
    masks?.dispose();
    model.dispose();
    throw e;
  }
  const kept = masks;
  return runTrainingMethod({
    method: 'synflow',
    inputs,
    config,
    model,
    timer,
    hook,
    plan: {
      passes: () => [retainPass(inputs.retain, config.batchSize, hook)],
      afterStep: () => kept.apply(),
      epochExtra: () => ({ sparsity: kept.sparsity() }),
    },
    cleanup: () => kept.dispose(),
  });
}

/** SynFlow pruning (Tanaka et al. 2020) then fine-tuning with the masks kept: the 2024 reference's "pruning" baseline. */
export const synflow: HookableUnlearner<SynflowConfig> = {
  name: 'synflow',
  description: 'Prune 95 % of conv + linear weights with 100 rounds of SynFlow scores, then fine-tune on the retain set (R2, spec B7).',
  usesRetain: true,
  defaults: SYNFLOW_DEFAULTS,
  checks: CHECKS,
  run: (inputs) => runSynflow(inputs, PLAIN_LOSS),
  runWithHook: runSynflow,
};

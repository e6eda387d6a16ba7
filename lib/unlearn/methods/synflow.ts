import { oneOf, positiveInt, unitInterval, type Checks } from '../framework/config';
import { defineUnlearner } from '../framework/define';
import { plainRetainPasses, RETAIN_USE, retainTraining, TRAIN_CHECKS, type TrainConfig } from '../framework/retain-training';
import { PruningMasks, maskedFineTuning, prunableWeights, synflowScores, type PrunableLayers } from '../shared/sparsity';

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

/** Reference DC_U (docs/reference/modular-2024.md#b7): 100 SynFlow rounds to 95 % sparsity of Conv2d + Linear weights, then Adam 1e-3 for 30 epochs, batch 256. */
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

/** SynFlow pruning (Tanaka et al. 2020) then fine-tuning with the masks kept: the 2024 reference's "pruning" baseline. */
export const synflow = defineUnlearner<SynflowConfig>({
  name: 'synflow',
  description: 'Prune 95 % of conv + linear weights with 100 rounds of SynFlow scores, then fine-tune on the retain set (DC_U, docs/reference/modular-2024.md#b7).',
  uses: RETAIN_USE,
  modes: [],
  defaults: SYNFLOW_DEFAULTS,
  checks: CHECKS,
  smokeConfig: { epochs: 1, pruneIterations: 3 },
  hookable: true,
  train: retainTraining('synflow', async (run) => {
    const { config, model } = run;
    const masks = new PruningMasks(prunableWeights(model, config.layers));
    try {
      // Data-free iterative pruning with the exponential density schedule of SynFlow.
      await run.timer.timeAsync('prune', async () => {
        for (let r = 0; r < config.pruneIterations; r++) {
          const keep = Math.floor(masks.total * (1 - config.sparsity) ** ((r + 1) / config.pruneIterations));
          await masks.keepTop(await synflowScores(model, masks, config.instanceNorm), keep);
        }
      });
    } catch (e) {
      masks.dispose();
      throw e;
    }
    return { passes: plainRetainPasses(run), ...maskedFineTuning(masks) };
  }),
});

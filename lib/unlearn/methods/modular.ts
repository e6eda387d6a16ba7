import { size, subsetByIndex, type Dataset } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import { cloneModel } from '../../models/registry';
import { trainLoop, type LoopPass } from '../../train/loop';
import { Adam } from '../../train/optimizers';
import type { UnlearnEpoch } from '../contract';
import { boolean, nonNegativeInt, oneOf, positiveInt, positiveNumber, text, type Checks } from '../framework/config';
import { defineUnlearner } from '../framework/define';
import { fullBatchPass, modularSplit, partPass, type ModularCuts } from '../shared/modular-parts';

export interface ModularConfig extends ModularCuts {
  /** S: outer epochs of the overture (Beginning, then Final while epoch < S - tau). */
  outerEpochs: number;
  /** S1: Beginning epochs per outer epoch, on the reduced retain set. */
  beginningEpochs: number;
  /** Full-batch steps of Final on the remembrance set per outer epoch. */
  finalSteps: number;
  /** tau: Final is trained in outer epochs e < S - tau only (never when tau >= S: the reference's class-wise configs). */
  finalThreshold: number;
  /** Intermediate epochs on the reduced retain set after the overture. */
  intermediateEpochs: number;
  /** Adam lr of the overture (Beginning and Final). */
  lrOverture: number;
  /** Adam lr of the Intermediate epochs. */
  lrIntermediate: number;
  batchSize: number;
  /**
   * 'all' (the reference): Final trains on every remembrance image. 'retained': without the images of
   * classes the retain set no longer has, so a class-wise request is not taught back to Final.
   */
  remembranceClasses: 'all' | 'retained';
}

/**
 * The reference's MLP and ResNet-18 row (docs/reference/modular-2024.md#b6): lr 1e-3 / 1e-4, S 30, one
 * Beginning epoch, 15 Final steps, tau 15, one Intermediate epoch, batch 256. Other models and the
 * class-wise configs are presets (lib/unlearn/presets.ts, 'modular-*').
 */
export const MODULAR_DEFAULTS: ModularConfig = {
  outerEpochs: 30,
  beginningEpochs: 1,
  finalSteps: 15,
  finalThreshold: 15,
  intermediateEpochs: 1,
  lrOverture: 1e-3,
  lrIntermediate: 1e-4,
  batchSize: 256,
  remembranceClasses: 'all',
  intermediateFrom: '',
  finalFrom: '',
  reluOnLogits: false,
};

const CHECKS: Checks<ModularConfig> = {
  outerEpochs: positiveInt,
  beginningEpochs: positiveInt,
  finalSteps: nonNegativeInt,
  finalThreshold: nonNegativeInt,
  intermediateEpochs: nonNegativeInt,
  lrOverture: positiveNumber,
  lrIntermediate: positiveNumber,
  batchSize: positiveInt,
  remembranceClasses: oneOf('all', 'retained'),
  intermediateFrom: text,
  finalFrom: text,
  reluOnLogits: boolean,
};

/** The remembrance images Final trains on: all of them, or those of classes still in the retain set. */
function finalData(remembrance: Dataset, retain: Dataset, which: ModularConfig['remembranceClasses']): Dataset | null {
  if (which === 'all') return remembrance;
  const kept = new Set(retain.labels);
  const pos = Int32Array.from([...remembrance.labels.keys()].filter((i) => kept.has(remembrance.labels[i])));
  return pos.length === 0 ? null : subsetByIndex(remembrance, pos);
}

/**
 * The online phase of condensation-driven modular unlearning (Khan 2024; docs/reference/modular-2024.md#b6),
 * the only part the paper times. The model is split into Beginning / Intermediate / Final; one Adam
 * (per-parameter state, as torch) serves every phase, each phase training one part with the others frozen:
 * for S outer epochs, Beginning on the (reduced) retain set, then Final by full-batch steps on the
 * remembrance set while epoch < S - tau; then Intermediate on the retain set. The offline phase (before
 * the request) and the condensation are pre-processing: lib/unlearn/shared/modular-offline.ts and
 * lib/condense (fast DM, the collection protocol).
 */
export const modular = defineUnlearner<ModularConfig>({
  name: 'modular',
  description: 'Condensation-driven modular unlearning, online phase: Beginning on the reduced retain set, Final on the remembrance set, then Intermediate (Khan 2024, docs/reference/modular-2024.md#b6).',
  uses: { retain: true, testPool: false, reference: false, remembrance: true },
  modes: [],
  defaults: MODULAR_DEFAULTS,
  checks: CHECKS,
  smokeConfig: { outerEpochs: 2, finalSteps: 2, finalThreshold: 1, intermediateEpochs: 1 },
  async train({ inputs, config, timer }) {
    const model = timer.time('setup', () => cloneModel(inputs.original));
    try {
      const split = modularSplit(model, config);
      const remembrance = finalData(inputs.remembrance!, inputs.retain, config.remembranceClasses);
      const rng = new Rng(inputs.seed).fork('modular');
      const S = config.outerEpochs;
      const retainSteps = Math.ceil(size(inputs.retain) / config.batchSize);
      const finalSkipped = remembrance != null ? Math.min(S, config.finalThreshold) * config.finalSteps : 0;
      const passes = (e: number): LoopPass[] => {
        if (e >= S) return [partPass('intermediate', split, split.intermediate, inputs.retain, config.batchSize, rng.fork(`intermediate-${e}`))];
        const out = Array.from({ length: config.beginningEpochs }, (_, k) =>
          partPass('beginning', split, split.beginning, inputs.retain, config.batchSize, rng.fork(`beginning-${e}-${k}`)),
        );
        if (e < S - config.finalThreshold && remembrance != null && config.finalSteps > 0) out.push(fullBatchPass('final', split, split.final, remembrance, config.finalSteps));
        return out;
      };
      const history: UnlearnEpoch[] = [];
      await timer.timeAsync('train', () =>
        trainLoop({
          task: 'modular',
          params: model.parameters(),
          epochs: S + config.intermediateEpochs,
          optimizer: () => new Adam(),
          lr: (e) => (e < S ? config.lrOverture : config.lrIntermediate),
          passes,
          readLoss: 'epoch',
          totalSteps: S * (config.beginningEpochs * retainSteps + (remembrance != null ? config.finalSteps : 0)) - finalSkipped + config.intermediateEpochs * retainSteps,
          onProgress: inputs.onProgress,
          afterEpoch: (r) => {
            const extra: Record<string, number> = { lr: r.lr };
            for (const [pass, loss] of Object.entries(r.passLosses)) extra[`${pass}Loss`] = loss;
            history.push({ epoch: r.epoch + 1, loss: r.loss, seconds: r.seconds, extra });
          },
        }),
      );
      return { model, history };
    } catch (e) {
      model.dispose();
      throw e;
    }
  },
});

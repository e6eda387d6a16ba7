import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset';
import { tidyReadScalar } from '../../engine/read';
import { Rng } from '../../engine/rng';
import type { Classifier } from '../../models/classifier';
import { cloneModel } from '../../models/registry';
import { trainLoop } from '../../train/loop';
import { Adam } from '../../train/optimizers';
import type { ProgressSink } from '../../train/progress';
import { modularSplit, partPass, reinitialisePart, type ModularCuts } from './modular-parts';

/** The offline phase's settings (docs/reference/modular-2024.md#b5). */
export interface ModularOfflineSettings extends ModularCuts {
  /** L: rounds of (Final on the remembrance set, then Intermediate on the training set). */
  iterations: number;
  finalEpochs: number;
  finalLr: number;
  finalBatchSize: number;
  intermediateEpochs: number;
  intermediateLr: number;
  batchSize: number;
  /**
   * Give Final fresh weights at the start of every round (the autoencoder study, docs/reference/modular-2024.md#b10);
   * the reference's other models keep Final's weights across rounds (default false).
   */
  reinitialiseFinal: boolean;
}

/** The reference: L 10; Final 20 epochs, Adam 1e-4, batch 32; Intermediate 20 epochs, Adam 1e-5, batch 256. */
export const MODULAR_OFFLINE_DEFAULTS: ModularOfflineSettings = {
  iterations: 10,
  finalEpochs: 20,
  finalLr: 1e-4,
  finalBatchSize: 32,
  intermediateEpochs: 20,
  intermediateLr: 1e-5,
  batchSize: 256,
  reinitialiseFinal: false,
  intermediateFrom: '',
  finalFrom: '',
  reluOnLogits: false,
};

export interface ModularOfflineResult {
  /** The offline-trained model (the caller's): the model the online phase unlearns from. */
  model: Classifier;
  seconds: number;
  /** Mean loss of each round's last Final and last Intermediate epoch. */
  rounds: { round: number; finalLoss: number; intermediateLoss: number; finalStartNorm: number }[];
}

function checkSettings(s: ModularOfflineSettings): void {
  const ints: (keyof ModularOfflineSettings)[] = ['iterations', 'finalEpochs', 'finalBatchSize', 'intermediateEpochs', 'batchSize'];
  for (const k of ints) {
    const v = s[k];
    if (!Number.isInteger(v) || (v as number) < (k === 'iterations' || k.endsWith('Epochs') ? 0 : 1)) {
      throw new Error(`modularOffline: ${k} must be an integer >= ${k === 'iterations' || k.endsWith('Epochs') ? 0 : 1}, got ${JSON.stringify(v)}.`);
    }
  }
  if (typeof s.reinitialiseFinal !== 'boolean') throw new Error(`modularOffline: reinitialiseFinal must be true or false, got ${JSON.stringify(s.reinitialiseFinal)}.`);
  for (const k of ['finalLr', 'intermediateLr'] as const) {
    if (!(s[k] > 0) || !Number.isFinite(s[k])) throw new Error(`modularOffline: ${k} must be a finite number > 0, got ${JSON.stringify(s[k])}.`);
  }
}

/**
 * The modular method's offline phase (docs/reference/modular-2024.md#b5), run once before any forget
 * request: L rounds of (freeze Beginning and Intermediate, train Final on the remembrance set; then freeze
 * Final and Beginning, train Intermediate on the whole training set, forget samples included). Each stage
 * gets a fresh Adam, as the reference builds one per training call. The original is left unchanged.
 */
export async function modularOffline(
  original: Classifier,
  train: Dataset,
  remembrance: Dataset,
  settings: Partial<ModularOfflineSettings> & { seed: number | string; onProgress?: ProgressSink },
): Promise<ModularOfflineResult> {
  const s: ModularOfflineSettings = { ...MODULAR_OFFLINE_DEFAULTS, ...settings };
  checkSettings(s);
  const t0 = performance.now();
  const model = cloneModel(original);
  try {
    const split = modularSplit(model, s);
    const rng = new Rng(settings.seed).fork('modular-offline');
    const rounds: ModularOfflineResult['rounds'] = [];
    for (let round = 0; round < s.iterations; round++) {
      const stage = async (name: 'final' | 'intermediate', data: Dataset, epochs: number, lr: number, batchSize: number) => {
        const part = split.part(name);
        const records = await trainLoop({
          task: `modular offline ${name} (round ${round + 1}/${s.iterations})`,
          params: part.parameters(),
          epochs,
          optimizer: () => new Adam(),
          lr: () => lr,
          passes: (e) => [partPass(name, split, part, data, batchSize, rng.fork(`${name}-${round}-${e}`))],
          readLoss: 'epoch',
          onProgress: settings.onProgress,
        });
        return records.at(-1)?.loss ?? NaN;
      };
      if (s.reinitialiseFinal) reinitialisePart(split, split.final, `${settings.seed}/offline-final-${round}`);
      // Final's weight norm as the round starts: shows a re-initialised Final (a new value every round).
      const finalParams = split.final.parameters();
      const finalStartNorm = finalParams.length === 0 ? NaN : await tidyReadScalar(() => tf.sqrt(tf.addN(finalParams.map((p) => tf.sum(tf.square(p))))));
      const finalLoss = await stage('final', remembrance, s.finalEpochs, s.finalLr, s.finalBatchSize);
      const intermediateLoss = await stage('intermediate', train, s.intermediateEpochs, s.intermediateLr, s.batchSize);
      rounds.push({ round: round + 1, finalLoss, intermediateLoss, finalStartNorm });
    }
    return { model, seconds: (performance.now() - t0) / 1000, rounds };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

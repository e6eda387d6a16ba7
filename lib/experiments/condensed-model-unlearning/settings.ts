import type { ModularOfflineSettings } from '../../unlearn/shared/modular-offline';
import type { ConvClassifierSpec } from '../../models/zoo/conv-classifier';
import type { ExperimentInfo } from '../shared/experiment';
import type { PresetName } from '../shared/presets';
import type { ExperimentData, ForgetRequest, TrainRecipe } from '../shared/scenario';
import { MODULAR_PRESETS, type ModularPaperSetting } from '../modular-unlearning/settings';

export const CONDENSED_MODEL_UNLEARNING: ExperimentInfo = {
  name: 'condensed-model-unlearning',
  title: '2024 modular paper (002), unlearning in a condensed model (Sec. 5.E, Fig. 4): a conv autoencoder as Beginning + Intermediate and a new ConvClassifier as Final; modular unlearning vs recondensation training and Retrain',
  flags: ['seeds'],
};

/** Recondensation training: a fresh ConvClassifier on the frozen encoder + decoder, trained on the remembrance set. */
export interface RecondensationSetting {
  epochs: number;
  lr: number;
  batchSize: number;
}

export interface CondensedModelSetting extends Pick<ModularPaperSetting, 'kPerClass' | 'condensation' | 'remembrance' | 'smoke' | 'seeds'> {
  data: ExperimentData;
  /** The pretrained autoencoder ('autoencoder', final 'mlp'): CE(head) + 0.5 MSE(reconstruction, target). */
  recipe: TrainRecipe;
  /** The condensed model's Final: a new ConvClassifier on the decoder's output. */
  classifier: ConvClassifierSpec;
  /** The offline phase (B5 with lr 1e-3 for both stages; Final re-initialised every round). */
  offline: Partial<ModularOfflineSettings>;
  /** The online phase's config (lib/unlearn 'modular'): the reference's autoencoder row of B6. */
  modular: Record<string, unknown>;
  recondensation: RecondensationSetting;
  /** Retrain: a standard classifier from scratch on the retain set, with the lib/unlearn preset's 'retrain' config. */
  retrain: { model: string; modelOptions: Record<string, unknown>; methodPreset: string };
  request: ForgetRequest;
}

/** The reference's online config of the autoencoder study (docs/reference/modular-2024.md#b6): single lr 1e-3, S 10, 2 Beginning epochs, 50 Final steps, tau 2, 5 Intermediate epochs. */
export const AUTOENCODER_ONLINE = { lrOverture: 1e-3, lrIntermediate: 1e-3, outerEpochs: 10, beginningEpochs: 2, finalSteps: 50, finalThreshold: 2, intermediateEpochs: 5, batchSize: 256, reluOnLogits: false };

/** B5 with the autoencoder study's lr 1e-3 for both stages (L 10, 20 + 20 epochs, batch 32 / 256), Final new in every round. */
export const AUTOENCODER_OFFLINE: Partial<ModularOfflineSettings> = { finalLr: 1e-3, intermediateLr: 1e-3, reinitialiseFinal: true };

/** The reference pretrains the autoencoder 10 epochs, Adam 1e-3 (batch 256 as every DC_U pretraining), no schedule. */
const autoencoderRecipe = (modelOptions: Record<string, unknown>, epochs = 10, batchSize = 256): TrainRecipe => ({
  model: 'autoencoder',
  modelOptions: { reconstructionWeight: 0.5, reconstructionTarget: 'pixels', ...modelOptions },
  epochs,
  batchSize,
  lr: 1e-3,
  optimizer: { kind: 'adam' },
  schedule: { kind: 'constant' },
});

const fromModular = (p: ModularPaperSetting) => ({ data: p.data, kPerClass: p.kPerClass, condensation: p.condensation, remembrance: p.remembrance, smoke: p.smoke });

/**
 * smoke: the modular smoke data, a narrow autoencoder and classifier, two offline rounds of an epoch each
 *   (two, so a re-initialised Final shows), every loop cut to a step or two.
 * cpu: Fashion-MNIST, 300 training images per class, K 30, FDM, ipc 10 held out (the modular cpu preset's
 *   data and pre-processing); the reference's autoencoder (28x28 zero-padded to 32x32 inside the model),
 *   pretrained 30 epochs at batch 64 (1,410 Adam steps) so that it memorises as the reference's does (10
 *   epochs at batch 256 on 45,000 images, 1,760 steps: train 99.9 %, test 56.8 %; 10 epochs at batch 256 on
 *   3,000 images are 120 steps and leave it at 86 % train, 81 % test), and its online config; the ConvClassifier at a quarter of the reference's widths (16/32/64, FC 128) and an
 *   offline phase of 3 rounds of (Final 10 epochs, Intermediate 2 epochs) instead of 10 x (20, 20) (pre-processing,
 *   not the method); Retrain = the reference's 4-block CNN (cnn4) from scratch, Adam 1e-3, 30 epochs, batch 256:
 *   the VGG-16 recipe on the cpu preset's model. Estimated from step timings: 13-17 min per seed on 2 idle cores,
 *   most of it the online phase at the reference's config and the 30 Retrain epochs.
 * gpu-paper: CIFAR-10 (4500 per class), the reference's autoencoder, ConvClassifier, offline phase and K 450;
 *   Retrain = VGG-16 30 epochs Adam 1e-3, as the reference.
 */
export const CONDENSED_MODEL_PRESETS: Record<PresetName, CondensedModelSetting> = {
  smoke: {
    ...fromModular(MODULAR_PRESETS.smoke),
    recipe: autoencoderRecipe({ channels: [4, 8, 8], hidden: [32, 16] }, 2, 64),
    classifier: { widths: [4, 8, 8], hidden: 16, dropout: 0.5 },
    offline: { ...AUTOENCODER_OFFLINE, iterations: 2, finalEpochs: 1, intermediateEpochs: 1, batchSize: 64, finalBatchSize: 8 },
    modular: AUTOENCODER_ONLINE,
    recondensation: { epochs: 2, lr: 1e-3, batchSize: 32 },
    retrain: { model: 'cnn4', modelOptions: { widths: [4, 4, 8, 8], hidden: 16 }, methodPreset: 'modular-cnn4' },
    request: { kind: 'uniform', fraction: 0.1 },
    seeds: 1,
  },
  cpu: {
    ...fromModular(MODULAR_PRESETS.cpu),
    recipe: autoencoderRecipe({}, 30, 64),
    classifier: { widths: [16, 32, 64], hidden: 128, dropout: 0.5 },
    offline: { ...AUTOENCODER_OFFLINE, iterations: 3, finalEpochs: 10, intermediateEpochs: 2 },
    modular: AUTOENCODER_ONLINE,
    recondensation: { epochs: 30, lr: 1e-3, batchSize: 32 },
    retrain: { model: 'cnn4', modelOptions: {}, methodPreset: 'modular-cnn4' },
    request: { kind: 'uniform', fraction: 0.1 },
    seeds: 3,
  },
  'gpu-paper': {
    ...fromModular(MODULAR_PRESETS['gpu-paper']),
    recipe: autoencoderRecipe({}),
    classifier: { widths: [64, 128, 256], hidden: 512, dropout: 0.5 },
    offline: AUTOENCODER_OFFLINE,
    modular: AUTOENCODER_ONLINE,
    recondensation: { epochs: 30, lr: 1e-3, batchSize: 32 },
    retrain: { model: 'vgg16', modelOptions: {}, methodPreset: 'modular-vgg16' },
    request: { kind: 'uniform', fraction: 0.1 },
    seeds: 3,
  },
};

/**
 * The reference's numbers (docs/reference/modular-2024.md#b11, autoencoder study, CIFAR-10, 10% random
 * forgetting, one run): loss-LR MIA, retain, forget and test accuracy (%), seconds on the authors' GPU
 * (NaN: not reported). 'original' is the pretrained autoencoder with its MLP head; Retrain is a VGG-16.
 */
export const PAPER_002_CONDENSED: Record<string, { miaLoss: number; retainAcc: number; forgetAcc: number; testAcc: number; seconds: number }> = {
  original: { miaLoss: 77.9, retainAcc: 99.9, forgetAcc: 99.9, testAcc: 56.8, seconds: NaN },
  modular: { miaLoss: 57.3, retainAcc: 96.6, forgetAcc: 69.5, testAcc: 57.2, seconds: 58 },
  recondensation: { miaLoss: 56.2, retainAcc: 91.1, forgetAcc: 64.9, testAcc: NaN, seconds: 0.5 },
  retrain: { miaLoss: 49.9, retainAcc: 98.3, forgetAcc: 81.0, testAcc: 81.2, seconds: 332 },
};

import { batchTensors } from '../../../data/batches';
import { cloneModel } from '../../../models/registry';
import { trainLoop, type LoopStep } from '../../../train/loop';
import { Adam } from '../../../train/optimizers';
import type { UnlearnEpoch, UnlearnMode } from '../../contract';
import { boolean, nonNegativeInt, oneOf, positiveInt, positiveNumber, unitInterval, type Checks } from '../../framework/config';
import { defineUnlearner } from '../../framework/define';
import { FORGET_ONLY_MODES, STOP_RULE_CHECKS } from '../../framework/forget-training';
import { StopRule, type ReferenceTarget, type StopKind, type StopCheck } from '../../framework/stopping';
import { distinctClasses, SPA_MASK_KINDS, spaKlLoss, spaMask, spaTargets, SULI_VARIANTS, type SpaMaskKind, type SuliVariant } from '../../shared/spa';
import { entropyOrder, predictiveEntropy, splitIntoLayers, type LayerSplit } from './entropy';
import { WeightSnapshot } from './weights';

/**
 * SULI, Self-Unlearning with Layered Iteration (Lyu et al.; docs/reference/suli.md#s5). The forget set is sorted by the
 * original model's predictive entropy (highest first) and cut into layers; layer by layer, the
 * current model is its own teacher: its output on the layer is SPA-adjusted (mass moved off the
 * forgotten class) and the model is updated toward it by KL(P' || P). Outer passes repeat over the
 * layers until the stopping rule fires (checked after every layer).
 */
export interface SuliConfig {
  /** Which preset the unspecified fields come from: public code (default) or paper text. */
  variant: SuliVariant;
  mode: UnlearnMode;
  stop: StopKind;
  referenceTarget: ReferenceTarget;
  /** SPA: probability left on the masked class(es); 0 reproduces the public code (-inf logits). */
  epsilon: number;
  temperature: number;
  mask: SpaMaskKind;
  /** 'size': layers of layerSize samples (code); 'count': numLayers layers (paper: t = 2). */
  layerSplit: 'size' | 'count';
  layerSize: number;
  numLayers: number;
  /** Maximum outer passes over the layers (code: 10). */
  passes: number;
  /** Full-batch Adam steps per layer visit (code: 1). */
  stepsPerLayer: number;
  lr: number;
  /**
   * A new Adam for every layer visit (code). With one step per layer this makes each update a
   * sign-gradient step of size lr (docs/reference/suli.md#s5-4-2). false: one Adam for the whole run.
   */
  freshOptimizerPerLayer: boolean;
  /** Reject a layer's update when it raises forget accuracy (code, class-wise only; not in the paper). */
  rollback: boolean;
  /**
   * The teacher forward pass in training mode (code: batch-norm uses the layer's batch statistics and
   * updates its running statistics). false: evaluation mode. The student is always in training mode.
   */
  teacherTrainingMode: boolean;
}

/**
 * Defaults: the public code (docs/reference/suli.md#s5-5) because it is what produced the paper's tables and pins down
 * what the text leaves open. Class-wise: layers of 500, at most 10 passes, one full-batch step of a
 * fresh Adam(1e-4) per layer, rollback on, stop at forget accuracy 0. Instance-wise: layers of 32,
 * Adam 8e-5, mask the current prediction, no rollback, stop at the original model's reference
 * accuracy. 'paper' variant (docs/reference/suli.md#s11): t = 2 equal layers, the true label masked, no rollback;
 * epsilon stays 0 because the text gives no value (set it explicitly).
 */
const CODE_CLASS: SuliConfig = {
  variant: 'code',
  mode: 'class',
  stop: 'target',
  referenceTarget: 'original',
  epsilon: 0,
  temperature: 1,
  mask: 'forget-classes',
  layerSplit: 'size',
  layerSize: 500,
  numLayers: 2,
  passes: 10,
  stepsPerLayer: 1,
  lr: 1e-4,
  freshOptimizerPerLayer: true,
  rollback: true,
  teacherTrainingMode: true,
};
const CODE_INSTANCE: SuliConfig = { ...CODE_CLASS, mode: 'instance', layerSize: 32, lr: 8e-5, mask: 'predicted', rollback: false };
const PAPER_OVERRIDES: Partial<SuliConfig> = { variant: 'paper', layerSplit: 'count', numLayers: 2, mask: 'label', rollback: false };
/** The base config of each `variant/mode`; the given fields override it. */
export const SULI_PRESETS: Readonly<Record<string, SuliConfig>> = {
  'code/class': CODE_CLASS,
  'code/instance': CODE_INSTANCE,
  'paper/class': { ...CODE_CLASS, ...PAPER_OVERRIDES },
  'paper/instance': { ...CODE_INSTANCE, ...PAPER_OVERRIDES },
};

const CHECKS: Checks<SuliConfig> = {
  variant: oneOf(...SULI_VARIANTS),
  ...STOP_RULE_CHECKS,
  epsilon: unitInterval,
  temperature: positiveNumber,
  mask: oneOf(...SPA_MASK_KINDS),
  layerSplit: oneOf('size', 'count'),
  layerSize: positiveInt,
  numLayers: positiveInt,
  passes: nonNegativeInt,
  stepsPerLayer: positiveInt,
  lr: positiveNumber,
  freshOptimizerPerLayer: boolean,
  rollback: boolean,
  teacherTrainingMode: boolean,
};

export const suli = defineUnlearner<SuliConfig>({
  name: 'suli',
  description:
    'SULI (Lyu et al.): entropy-ordered layers of the forget set, each self-distilled toward its SPA-adjusted prediction; forget set only.',
  uses: { retain: false, testPool: false, reference: true },
  modes: FORGET_ONLY_MODES,
  defaults: CODE_CLASS,
  checks: CHECKS,
  presets: { keys: ['variant', 'mode'], table: SULI_PRESETS },
  smokeConfig: { passes: 2, layerSize: 8 },
  // Nothing in SULI is random (full-batch layers in a deterministic entropy order): the seed is unused.
  async train({ inputs, config: c, timer }) {
    const { original, forget } = inputs;
    const stopRule = await timer.timeAsync('stop-check', () => StopRule.create('suli', c, original, inputs.reference));
    // The paper's runtime leaves the sorting out; it is its own phase here ('sort').
    const layers = await timer.timeAsync('sort', async () => {
      const split: LayerSplit = c.layerSplit === 'size' ? { by: 'size', layerSize: c.layerSize } : { by: 'count', numLayers: c.numLayers };
      return splitIntoLayers(entropyOrder(await predictiveEntropy(original, forget)), split);
    });
    const forgetClasses = distinctClasses(forget.labels);
    const model = cloneModel(original);
    const history: UnlearnEpoch[] = [];
    // One loop epoch = one layer visit: pass = floor(e / L), layer = e mod L.
    const L = layers.length;
    let snapshot: WeightSnapshot | null = null;
    let check: StopCheck = { forgetAccuracy: NaN, target: NaN, reached: false };
    let accepted = true;
    let prevAccuracy = -1;
    let rejected = 0;
    let stopped = false;
    // Self-distillation: the teacher is the current model (no gradient through the target).
    const layerStep = (layer: Int32Array): LoopStep => ({
      weight: 1,
      build: () => {
        const { x, y } = batchTensors(forget, layer);
        const teacherLogits = model.forward(x, c.teacherTrainingMode);
        const q = spaTargets(teacherLogits, spaMask(c.mask, teacherLogits, y, forgetClasses), c.epsilon, c.temperature);
        return () => spaKlLoss(model.forward(x, true), q, c.temperature);
      },
    });
    try {
      await trainLoop({
        task: 'suli',
        params: model.parameters(),
        epochs: c.passes * L,
        optimizer: () => new Adam({ weightDecay: 0 }),
        freshOptimizerEachEpoch: c.freshOptimizerPerLayer,
        lr: () => c.lr,
        beforeEpoch: () => {
          snapshot = c.rollback ? new WeightSnapshot(model) : null;
        },
        passes: (e) => [{ name: 'layer', steps: Array.from({ length: c.stepsPerLayer }, () => layerStep(layers[e % L])) }],
        readLoss: 'step',
        stop: {
          every: 'epoch',
          check: async () => {
            check = await timer.timeAsync('stop-check', () => stopRule.check(model, forget));
            accepted = true;
            // Rollback (code, class-wise): reject an update that raised forget accuracy.
            if (snapshot != null && prevAccuracy >= 0 && check.forgetAccuracy > prevAccuracy) {
              const s = snapshot;
              timer.time('rollback', () => s.restore());
              accepted = false;
              rejected++;
              check = { forgetAccuracy: prevAccuracy, target: check.target, reached: false };
            } else {
              prevAccuracy = check.forgetAccuracy;
            }
            snapshot?.dispose();
            snapshot = null;
            stopped = check.reached;
            return stopped;
          },
        },
        timeStep: (fn) => timer.time('train', fn),
        afterEpoch: (r) => {
          history.push({
            epoch: r.epoch + 1,
            loss: r.loss,
            seconds: r.seconds,
            extra: {
              pass: Math.floor(r.epoch / L) + 1,
              layer: (r.epoch % L) + 1,
              layerSize: layers[r.epoch % L].length,
              forgetAccuracy: check.forgetAccuracy,
              target: check.target,
              accepted: accepted ? 1 : 0,
            },
          });
          return { info: { layer: (r.epoch % L) + 1, 'forget acc': check.forgetAccuracy } };
        },
        onProgress: inputs.onProgress,
        nanHint: 'Lower config.lr.',
      });
    } catch (e) {
      model.dispose();
      throw e;
    } finally {
      (snapshot as WeightSnapshot | null)?.dispose();
    }
    const lastRow = history.at(-1);
    if (lastRow != null) {
      lastRow.extra = { ...lastRow.extra, numLayers: L, rejectedUpdates: rejected, stoppedEarly: stopped ? 1 : 0 };
    }
    return { model, history };
  },
});

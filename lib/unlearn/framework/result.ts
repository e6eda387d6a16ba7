import type { PhaseTimer } from '../../engine/timer';
import type { Classifier } from '../../models/classifier';
import type { UnlearnEpoch, UnlearnResult } from '../contract';
import { lossHealth } from './health';

/** Packs a finished run: the model, seconds per phase and their total, the history, the full config and the loss verdict. */
export function makeResult(model: Classifier, timer: PhaseTimer, history: UnlearnEpoch[], config: object): UnlearnResult {
  return { model, timing: { seconds: timer.total(), phases: timer.record() }, history, config: { ...config }, health: lossHealth(history, model.numClasses) };
}

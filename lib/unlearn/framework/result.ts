import type { PhaseTimer } from '../../engine/timer';
import type { Classifier } from '../../models/classifier';
import type { UnlearnEpoch, UnlearnResult } from '../contract';

/** Packs a finished run: the model, seconds per phase and their total, the history and the full config. */
export function makeResult(model: Classifier, timer: PhaseTimer, history: UnlearnEpoch[], config: object): UnlearnResult {
  return { model, timing: { seconds: timer.total(), phases: timer.record() }, history, config: { ...config } };
}

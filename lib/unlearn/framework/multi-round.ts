import type { Dataset } from '../../data/dataset';
import type { Classifier } from '../../models/classifier';
import type { ProgressSink } from '../../train/progress';
import type { UnlearnResult, Unlearner } from '../contract';
import { shownValue } from './config';

export interface UnlearnRound {
  retain: Dataset;
  /** Only the samples newly forgotten in this round (docs/reference/blend-a-amu.md#a11). */
  forget: Dataset;
  testPool: Dataset;
  reference?: Dataset;
}

/**
 * Sequential (multi-round) unlearning: round r starts from this method's own round r-1 output (for
 * SCRUB-like methods that output is also the teacher), round 0 from `original`.
 *
 * This deliberately fixes the reference's bug (docs/reference/blend-a-amu.md#a11, bug (i)): multiround_unlearn.py saved the A-SCRUB
 * model as CF's checkpoint, so CF rounds >= 1 continued from A-SCRUB's output. Here a method only ever
 * sees its own previous model. The caller owns every returned model (dispose them when done);
 * `original` is left unchanged.
 */
export async function runRounds(
  method: Unlearner,
  original: Classifier,
  rounds: UnlearnRound[],
  opts: { seed: number | string; config?: Record<string, unknown>; onProgress?: ProgressSink; onRoundEnd?: (round: number, r: UnlearnResult) => void | Promise<void> },
): Promise<UnlearnResult[]> {
  if (!Array.isArray(rounds) || rounds.length === 0) throw new Error(`runRounds(${method.name}): pass at least one round (retain, forget, testPool).`);
  // Each round's seed is derived as text, which would turn a missing seed into the seed "undefined".
  if ((typeof opts?.seed !== 'number' || !Number.isFinite(opts.seed)) && typeof opts?.seed !== 'string') {
    throw new Error(`runRounds(${method.name}): opts.seed must be a finite number or a string, got ${shownValue(opts?.seed)}.`);
  }
  const results: UnlearnResult[] = [];
  let current = original;
  for (let r = 0; r < rounds.length; r++) {
    const result = await method.run({ ...rounds[r], original: current, config: opts.config, seed: `${opts.seed}/round-${r}`, onProgress: opts.onProgress });
    results.push(result);
    current = result.model;
    await opts.onRoundEnd?.(r, result);
  }
  return results;
}

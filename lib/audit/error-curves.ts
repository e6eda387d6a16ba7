import type { Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';
import { predict, accuracyOf } from '../train/evaluate';
import type { UnlearnProbe } from '../unlearn/contract';

export interface ErrorPoint {
  steps: number;
  /** The method's own seconds so far (the probe's time left out). */
  seconds: number;
  /** error[set] in %. */
  error: Record<string, number>;
}

export interface ErrorCurve {
  sets: string[];
  points: ErrorPoint[];
  /** Pass as inputs.probe to a method's run (retain-set and forget-set-only methods take one). */
  probe: UnlearnProbe;
}

/**
 * Records the error (%) of the model on each named set while a method unlearns: before the first step,
 * every `everySteps` optimiser steps and after the last (lib/unlearn's probe), so a researcher sees
 * forget error rise while retain and test error stay, as in SCRUB's notebooks.
 */
export function errorCurve(sets: Record<string, Dataset>, everySteps: number): ErrorCurve {
  const names = Object.keys(sets);
  if (names.length === 0) throw new Error('errorCurve: no sets given; pass e.g. { forget, retain, test }.');
  const points: ErrorPoint[] = [];
  const measure = async (model: Classifier, steps: number, seconds: number) => {
    const error: Record<string, number> = {};
    for (const n of names) error[n] = 100 * (1 - accuracyOf(await predict(model, sets[n])));
    points.push({ steps, seconds, error });
  };
  return { sets: names, points, probe: { everySteps, measure } };
}

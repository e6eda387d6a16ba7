import type { Unlearner } from './contract';
import { aCf, aL1, aScrub } from './methods/a-amu';
import { advImp } from './methods/adv-imp';
import { badTeacher } from './methods/bad-teacher';
import { boundaryShrink } from './methods/boundary-shrink';
import { cf } from './methods/cf';
import { distillation } from './methods/distillation';
import { initialLabel } from './methods/initial-label';
import { l1Sparse } from './methods/l1-sparse';
import { negGrad } from './methods/neggrad';
import { pruning } from './methods/pruning';
import { randomLabel } from './methods/random-label';
import { retrain } from './methods/retrain';
import { scrub } from './methods/scrub';
import { su } from './methods/su';
import { suli } from './methods/suli';
import { synflow } from './methods/synflow';

/** Every unlearning method, one line each; names must be unique (the conformance suite checks every one). */
const ALL: readonly Unlearner[] = [
  // Blend/A-AMU paper (000) and the 2024 modular paper's baselines.
  retrain,
  cf,
  distillation,
  badTeacher,
  l1Sparse,
  pruning,
  synflow,
  scrub,
  aCf,
  aL1,
  aScrub,
  // SULI paper (003): SU, SULI and the re-labelling baselines; all use the forget set only.
  su,
  suli,
  negGrad,
  randomLabel,
  initialLabel,
  boundaryShrink,
  advImp,
];

export function unlearnerNames(): string[] {
  return ALL.map((u) => u.name);
}

export function getUnlearner(name: string): Unlearner {
  const u = ALL.find((m) => m.name === name);
  if (u == null) throw new Error(`Unknown unlearning method '${name}'. Choose one of: ${unlearnerNames().join(', ')}.`);
  return u;
}

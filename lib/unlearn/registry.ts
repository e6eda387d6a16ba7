import type { Unlearner } from './contract';
import { aCf, aL1, aScrub } from './methods/a-amu';
import { advImp } from './methods/adv-imp';
import { badTeacher } from './methods/bad-teacher';
import { boundaryShrink } from './methods/boundary-shrink';
import { cf } from './methods/cf';
import { distillation } from './methods/distillation';
import { initialLabel } from './methods/initial-label';
import { l1Sparse } from './methods/l1-sparse';
import { modular } from './methods/modular';
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
  // The 2024 modular paper (002): its own method (online phase; the offline phase is shared/modular-offline.ts).
  modular,
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

/**
 * A preset's config cut to a smoke run: one epoch, and each field the config sets that the method's own
 * smoke settings cover taken from them (pruning's pruneEvery, SCRUB's msteps, ...), so the cut config stays
 * valid (a pruning schedule of 12 epochs pruning every 3 cannot keep pruneEvery 3 in one epoch).
 */
export function smokeCut(method: string, config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const cut: Record<string, unknown> = { ...config, ...('epochs' in config ? { epochs: 1 } : {}) };
  for (const [k, v] of Object.entries(getUnlearner(method).smokeConfig)) if (k in config) cut[k] = v;
  return cut;
}

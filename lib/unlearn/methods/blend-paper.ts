import type { Unlearner } from '../contract';
import { aCf, aL1, aScrub } from './accelerated';
import { badTeacher } from './bad-teacher';
import { cf } from './cf';
import { distillation } from './distillation';
import { l1Sparse } from './l1-sparse';
import { pruning } from './pruning';
import { retrain } from './retrain';
import { scrub } from './scrub';
import { synflow } from './synflow';

/** Methods of the Blend/A-AMU paper (000) and the 2024 modular paper's baselines. */
export const BLEND_PAPER_UNLEARNERS: Unlearner<object>[] = [
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
];

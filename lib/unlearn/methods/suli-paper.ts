import type { Unlearner } from '../contract';
import { advImp } from './adv-imp';
import { boundaryShrink } from './boundary-shrink';
import { initialLabel } from './initial-label';
import { negGrad } from './neggrad';
import { randomLabel } from './random-label';
import { su } from './su';
import { suli } from './suli';

/** SU, SULI and the re-labelling baselines of the SULI paper (003). All use the forget set only. */
export const SULI_PAPER_UNLEARNERS: Unlearner<object>[] = [
  su,
  suli,
  negGrad,
  randomLabel,
  initialLabel,
  boundaryShrink,
  advImp,
] as unknown as Unlearner<object>[];

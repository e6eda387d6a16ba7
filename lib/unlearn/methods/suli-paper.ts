import type { Unlearner } from '../contract';

/** SU, SULI and the re-labelling baselines of the SULI paper (003). */
export const SULI_PAPER_UNLEARNERS: Unlearner<object>[] = [];

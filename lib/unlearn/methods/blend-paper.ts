import type { Unlearner } from '../contract';

/** Methods of the Blend/A-AMU paper (000) and the 2024 modular paper's baselines. */
export const BLEND_PAPER_UNLEARNERS: Unlearner<object>[] = [];

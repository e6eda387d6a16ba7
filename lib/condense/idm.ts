import type { Dataset } from '../data/dataset';
import type { CondensedSet } from './condensed';
import { distributionMatching, type DmOptions } from './dm';

/**
 * IDM as simplified by the Blend reference (spec A8): DM with 3 random nets built once and fixed for
 * the whole run (no model queue, no net training), per class and net feature-mean MSE (sum) plus
 * CE(net(syn), label) with weight 1, DSA on (as DM: all six families, aug_mode 'S'), image lr 0.01, 20,000 iterations. The IDM paper's own
 * additions (a queue of partially trained nets, partitioned/number-sign augmentation) are not implemented.
 */
export function improvedDistributionMatching(ds: Dataset, o: Omit<DmOptions, 'fixedNets' | 'ceWeight'> & { nets?: number; ceWeight?: number }): CondensedSet {
  const set = distributionMatching(ds, { ...o, fixedNets: o.nets ?? 3, ceWeight: o.ceWeight ?? 1 });
  return { ...set, method: 'idm' };
}

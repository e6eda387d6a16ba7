import type { Dataset } from '../data/dataset';
import type { CondensedSet } from './condensed';
import { distributionMatching, type DmOptions } from './dm';

/**
 * IDM as simplified by the Blend reference (docs/reference/blend-a-amu.md#a8): DM with 3 random nets built once and fixed for
 * the whole run (no model queue, no net training), per class and net feature-mean MSE (sum) plus
 * CE(net(syn), label) with weight 1, DSA on (as DM: all six families, aug_mode 'S'), image lr 0.01,
 * 20,000 iterations. This is the variant the Blend paper compares against; the IDM paper's model
 * queue and partitioned augmentation are outside this function's scope (see the project notes).
 */
export async function improvedDistributionMatching(
  ds: Dataset,
  o: Omit<DmOptions, 'fixedNets' | 'ceWeight'> & { nets?: number; ceWeight?: number },
): Promise<CondensedSet> {
  const set = await distributionMatching(ds, { ...o, fixedNets: o.nets ?? 3, ceWeight: o.ceWeight ?? 1 });
  return { ...set, method: 'idm' };
}

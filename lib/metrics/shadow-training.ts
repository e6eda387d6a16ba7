import type { Dataset } from '../data/dataset';
import type { Classifier } from '../models/classifier';

/**
 * Trains a fresh shadow model on `train` (same architecture and recipe as the target, as far as
 * the attacker knows) and returns it; the caller of the attack disposes it. `seed` differs per shadow.
 */
export type ShadowTrainer = (train: Dataset, seed: number) => Promise<Classifier>;

import type { ExperimentInfo } from '../shared/experiment';
import type { PresetName } from '../shared/presets';

export const SULI_FEATURE_SPACE: ExperimentInfo = {
  name: 'suli-feature-space',
  title: 'SULI paper (003), Sec. 4, Figs. 4 and 5: t-SNE of the feature space and Grad-CAM before and after unlearning',
  flags: ['dataset', 'methods'],
};

/** How many samples the pictures use, per preset. */
export interface FeatureSpaceSize {
  /** Retain samples per retained class in the t-SNE. */
  retainPerClass: number;
  /** Forget samples in the t-SNE. */
  forget: number;
  /** Forget images explained by Grad-CAM. */
  gradCamImages: number;
  tsneIterations: number;
  /** Unlearned models compared with the original (Fig. 4 shows several; Fig. 5 original vs unlearned). */
  methods: string[];
}

export const FEATURE_SPACE_SIZES: Record<PresetName, FeatureSpaceSize> = {
  smoke: { retainPerClass: 6, forget: 12, gradCamImages: 1, tsneIterations: 100, methods: ['suli'] },
  cpu: { retainPerClass: 30, forget: 60, gradCamImages: 4, tsneIterations: 500, methods: ['retrain', 'su', 'suli'] },
  'gpu-paper': { retainPerClass: 50, forget: 100, gradCamImages: 6, tsneIterations: 1000, methods: ['retrain', 'su', 'suli'] },
};

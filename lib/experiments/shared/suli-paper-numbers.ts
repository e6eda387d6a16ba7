/**
 * The SULI paper's (003, Lyu et al.) published numbers, typed from the paper text, so reports and
 * notebooks can put them beside ours. Method keys are the registry names (SULI_METHOD_LABELS gives
 * the paper's names); 'original' is the model before unlearning.
 */

export type PaperDatasetKey = 'CIFAR-10' | 'UTKFace' | 'VggFace2';

/** Table 4: loss-MIA attack accuracy (fraction; ideal 0.5), mean and std, [class, instance] per dataset. */
export const PAPER_TABLE4: Record<PaperDatasetKey, Record<string, { class: [number, number]; instance: [number, number] }>> = {
  'CIFAR-10': {
    original: { class: [0.57, 0.04], instance: [0.61, 0.02] },
    retrain: { class: [0.51, 0.01], instance: [0.5, 0.01] },
    neggrad: { class: [0.62, 0.05], instance: [0.5, 0.03] },
    'random-label': { class: [0.54, 0.01], instance: [0.52, 0.03] },
    'initial-label': { class: [0.49, 0.01], instance: [0.47, 0.03] },
    'boundary-shrink': { class: [0.56, 0.01], instance: [0.53, 0.03] },
    'adv-imp': { class: [0.57, 0.03], instance: [0.49, 0.04] },
    su: { class: [0.52, 0.01], instance: [0.48, 0.03] },
    suli: { class: [0.51, 0.01], instance: [0.5, 0.01] },
  },
  UTKFace: {
    original: { class: [0.63, 0.02], instance: [0.62, 0.03] },
    retrain: { class: [0.51, 0.01], instance: [0.5, 0.01] },
    neggrad: { class: [0.63, 0.04], instance: [0.56, 0.02] },
    'random-label': { class: [0.55, 0.03], instance: [0.56, 0.04] },
    'initial-label': { class: [0.57, 0.07], instance: [0.46, 0.09] },
    'boundary-shrink': { class: [0.62, 0.07], instance: [0.57, 0.04] },
    'adv-imp': { class: [0.45, 0.03], instance: [0.46, 0.02] },
    su: { class: [0.52, 0.01], instance: [0.52, 0.02] },
    suli: { class: [0.51, 0.01], instance: [0.5, 0.01] },
  },
  VggFace2: {
    original: { class: [0.63, 0.02], instance: [0.64, 0.02] },
    retrain: { class: [0.5, 0.02], instance: [0.51, 0.01] },
    neggrad: { class: [0.37, 0.02], instance: [0.43, 0.03] },
    'random-label': { class: [0.57, 0.07], instance: [0.55, 0.04] },
    'initial-label': { class: [0.83, 0.05], instance: [0.63, 0.06] },
    'boundary-shrink': { class: [0.61, 0.09], instance: [0.58, 0.04] },
    'adv-imp': { class: [0.44, 0.02], instance: [0.46, 0.04] },
    su: { class: [0.53, 0.03], instance: [0.52, 0.02] },
    suli: { class: [0.49, 0.02], instance: [0.51, 0.01] },
  },
};

/** Table 5: runtime in seconds (one GPU, RTX 4070; dataset not stated), class- and instance-wise. Retrain is not listed. */
export const PAPER_TABLE5: Record<string, { class: number; instance: number }> = {
  'adv-imp': { class: 107.16, instance: 3.67 },
  'initial-label': { class: 45.76, instance: 1.33 },
  'boundary-shrink': { class: 31.66, instance: 0.98 },
  neggrad: { class: 19.36, instance: 0.81 },
  'random-label': { class: 10.36, instance: 0.55 },
  su: { class: 3.68, instance: 0.28 },
  suli: { class: 0.93, instance: 0.21 },
};

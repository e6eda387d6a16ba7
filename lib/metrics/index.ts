// Public API of lib/metrics: confidences, MIAs, unlearning/overfitting metrics and rankings.
// Accuracy is lib/train/evaluate's; mean ± CI over seeds is lib/results'.
export * from './mia-regulariser';
export * from './confidence';
export * from './roc';
export * from './logistic-regression';
export * from './cross-validation';
export { type ScoredSet } from './attack-data';
export * from './mia-blend-logit-auc';
export * from './mia-loss-logistic';
export * from './mia-shadow';
export * from './lira';
export { type ShadowTrainer } from './shadow-training';
export * from './unlearning-metric';
export * from './overfitting-metric';
export * from './ranking';
export * from './otsu';

// Public API of lib/privacy: the RDP accountant of the sampled Gaussian mechanism, per-example clipped gradients,
// DP-Adam training (the 2024 modular paper's DP competitor, docs/reference/modular-2024.md B8) and its cost.
export * from './rdp-accountant';
export {
  clippedGradientSum,
  disposeClippedSum,
  checkPerExampleModel,
  choosePerExampleMethod,
  ghostLayers,
  im2col,
  type ClippedSum,
  type ClippedSumOptions,
  type PerExampleMethod,
} from './per-example';
export * from './dp-adam';
export * from './cost';

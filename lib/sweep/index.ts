// Public API of lib/sweep: grids of experiment seeds and LiRA shadows as cells keyed by config hash,
// run by local workers, Slurm job arrays or Kubernetes Indexed Jobs, resumed and merged (docs/sweeps.md).
export * from './cells';
export * from './codec';
export * from './code-version';
export * from './spec';
export * from './sweep';
export * from './seed-merge';
export * from './lira-cells';
export * from './merge';
export * from './output';
export * from './launch';
export * from './shell';
export * from './run-cache';

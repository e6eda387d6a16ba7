export { toRng, type ForgetSplit, type SeedLike, type SplitSource } from './common';
export { uniformSplit, type UniformSplitOptions } from './uniform';
export { classSplit, type ClassSplitOptions } from './classwise';
export { instanceSplit, type InstanceSplit, type InstanceSplitOptions } from './instances';
export { sequentialSplits, type SequentialRound, type SequentialSplitOptions } from './sequential';
export { testPoolSplit, type TestPoolSplit, type TestPoolSplitOptions } from './test-pool';
export { capPerClass, type CapPerClassOptions } from './cap-per-class';
export { remembranceSplit, type RemembranceSplit, type RemembranceSplitOptions } from './remembrance';
export { memorisedSplit, type MemorisedSplitOptions } from './memorised';

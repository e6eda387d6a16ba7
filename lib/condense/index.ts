// Public API of lib/condense: partition once, reduce per forget request, condensation baselines.
export { kmeans, type KMeansOptions, type KMeansResult } from './kmeans';
export { partitionDataset, type Cluster, type Partition, type PartitionOptions } from './partition';
export { fSample, collectionProtocol, forgetIdSet, type FSample } from './f-sampling';
export { blend, blendLearningRate, toCondensedSet, type BlendOptions } from './blend';
export { optimiseClusterImages, type ClusterWeightOptions, type ClusterWeightResult } from './cluster-weights';
export { fastDistributionMatching, type FastDmOptions } from './fast-dm';
export { reduceRetainSet, collectReducedRetainSet, type ReducedRetainSet, type ReduceOptions } from './reduced-retain';
export { MultiRoundReducer, type MultiRoundOptions, type RoundResult } from './multi-round';
export { distributionMatching, dmPaperSettings, type DmOptions } from './dm';
export { improvedDistributionMatching } from './idm';
export { dsaAugment, sampleDsaParams, DSA_DEFAULT_STRATEGY, type DsaMode, type DsaParams, type DsaTransform } from './dsa';
export { evaluateCondensedSet, type CondensedEvalOptions, type CondensedEvaluation } from './evaluate-condensed';
export { syntheticId, isSyntheticId, clusterOfSyntheticId } from './synthetic-ids';
export { randomExtractor, embedPositions } from './features';
export type { CondensedSet } from './condensed';
export { gradientMatching, gmLoops, gmDcPaperSettings, gmBenchmark2024Settings, type GmOptions } from './gm';
export { modelInversionCondensation, type ModelInversionOptions } from './model-inversion';

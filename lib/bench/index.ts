// Public API of lib/bench: speed benchmarks above the layers they measure (engine throughput of a
// model's training step; condensation time and quality), so engine and condense stay free of them.
export { benchEngine, measureThroughput, type EngineBench, type ThroughputSample } from './engine';
export { benchCondensation, reducedRetainRatios, type BenchCondensationOptions, type ReducedRetainRatioOptions } from './condensation';

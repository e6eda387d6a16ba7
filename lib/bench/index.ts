// Public API of lib/bench: speed benchmarks above the layers they measure (engine throughput of a
// model's training step, beside PyTorch in the same run; condensation time and quality), so engine
// and condense stay free of them.
export {
  BENCH_OPTIMIZER,
  benchEngine,
  benchModels,
  defaultBenchFile,
  measureThroughput,
  writeEngineBench,
  type BenchModel,
  type EngineBench,
  type ModelResult,
  type ThroughputSample,
} from './engine';
export { countForwardFlops, kernelFlops, type ForwardFlops } from './flops';
export { profileTrainStep, type StepProfile } from './kernel-profile';
export { cpuInfo, simdLimit, type CpuInfo, type SimdLimit } from './machine';
export { pythonTorchRunner, torchPythonCandidates, torchScriptPath, TORCH_INSTALL_HINT, type PytorchRunner, type TorchProbe, type TorchSample, type TorchSpec } from './pytorch';
export { benchCondensation, reducedRetainRatios, type BenchCondensationOptions, type ReducedRetainRatioOptions } from './condensation';

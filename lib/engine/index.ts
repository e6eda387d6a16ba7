export { init, engineInfo, parseBackendName, type EngineInfo, type InitOptions, type BackendAttempt } from './init';
export { BACKEND_ORDER, type BackendName } from './backends';
export { wasmThreadsInfo } from './wasm-threads';
export { registerWasmKernels, WASM_KERNELS } from './wasm-kernels/register';
export { Rng } from './rng';
export { PhaseTimer } from './timer';
export { expectNoLeak, liveTensors, TensorCountLog } from './leaks';
export { readAndDispose, readScalarAndDispose, tidyRead, tidyReadScalar } from './read';

// Public API of lib/gpu-check: the WebGPU check behind `npm run gpu-check` (tools/gpu/ carries it to a bare GPU machine).
export { probeGpuAdapter, NoGpuAdapterError, NVIDIA_ICD_JSON, type AdapterReport } from './adapter';
export { vulkanLoaderError, VULKAN_LOADER } from '../engine/vulkan-loader';
export { checkGradients, relativeError, GPU_CHECK_MODELS, type ModelCase, type GradientCheck, type GradientReport } from './gradients';
export { runSmoke, padTo32x32x3, SMOKE_DEFAULTS, type SmokeOptions, type SmokeReport } from './smoke';
export { runGpuCheck, resultsFile, QUICK_MODELS, QUICK_OPTIONS, GPU_CHECK_THROUGHPUT, type GpuCheckOptions, type GpuCheckReport, type ThroughputCase, type ThroughputRow, type Section } from './run';

import { isSoftwareAdapter, softwareAdapterAllowed } from '../engine/backends';
import { vulkanLoaderError } from '../engine/vulkan-loader';
/**
 * The GPU adapter behind the webgpu backend, found before anything else runs so that a machine
 * without one fails at once with the reason, not minutes later inside a benchmark.
 */
export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** WebGPU features the adapter offers (e.g. 'shader-f16'). */
  features: string[];
  /** The adapter limits tfjs cares about most. */
  limits: Record<string, number>;
}

/** Thrown when no usable GPU adapter exists; the message starts with "no GPU adapter: " and names why and the fix. */
export class NoGpuAdapterError extends Error {
  constructor(why: string) {
    super(`no GPU adapter: ${why}`);
    this.name = 'NoGpuAdapterError';
  }
}

/** Where the NVIDIA Vulkan driver's manifest lies on the lent GPU machines (docs: device README). */
export const NVIDIA_ICD_JSON = '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json';

const LIMITS = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupsPerDimension'];

interface DawnAdapter {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  features?: Iterable<string>;
  limits?: Record<string, number>;
}
interface Dawn {
  create: (flags: string[]) => { requestAdapter: (o?: object) => Promise<DawnAdapter | null> };
}

/** Finds the high-performance WebGPU adapter (Dawn on Vulkan) or throws NoGpuAdapterError naming why. */
export async function probeGpuAdapter(): Promise<AdapterReport> {
  const loader = vulkanLoaderError();
  if (loader != null) {
    throw new NoGpuAdapterError(
      `the Vulkan loader libvulkan.so.1 cannot be loaded (${loader}). Install Debian's libvulkan1, or on a bare GPU machine ` +
        'unpack the carried .debs and run ldconfig (tools/gpu/run-on-gpu.sh does both).',
    );
  }
  let dawn: Dawn;
  try {
    // The webgpu package is an ES module; Node >= 20.19 loads it with require().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    dawn = require('webgpu') as Dawn;
  } catch (e) {
    throw new NoGpuAdapterError(`the webgpu package (Dawn for Node) cannot load: ${(e as Error).message.split('\n')[0]}. Run npm install (it is an optional dependency).`);
  }
  const adapter = await dawn.create([]).requestAdapter({ powerPreference: 'high-performance' });
  if (adapter == null) {
    const icd = process.env.VK_DRIVER_FILES ?? process.env.VK_ICD_FILENAMES;
    throw new NoGpuAdapterError(
      'the Vulkan loader is present but Dawn returned no adapter: no Vulkan driver answered' +
        (icd ? ` (VK_DRIVER_FILES=${icd})` : '') +
        `. On an NVIDIA machine check nvidia-smi and set VK_DRIVER_FILES=${NVIDIA_ICD_JSON} (or the driver's nvidia_icd.json).`,
    );
  }
  const info = adapter.info ?? {};
  const report: AdapterReport = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    features: [...(adapter.features ?? [])].sort(),
    limits: Object.fromEntries(LIMITS.filter((k) => typeof adapter.limits?.[k] === 'number').map((k) => [k, adapter.limits![k]])),
  };
  const described = [report.vendor, report.architecture, report.device, report.description].filter(Boolean).join(' ');
  if (isSoftwareAdapter(described) && !softwareAdapterAllowed()) {
    throw new NoGpuAdapterError(`only a software adapter was found (${described}); it is slower than wasm. Check the GPU driver (nvidia-smi) and VK_DRIVER_FILES.`);
  }
  return report;
}

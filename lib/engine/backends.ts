import * as tf from '@tensorflow/tfjs';
import { useThreadedWasm, wasmThreadsInfo } from './wasm-threads';
import { guardWasmHeap } from './wasm-heap-guard';
import { registerWasmKernels } from './wasm-kernels/register';
import { vulkanLoaderError } from './vulkan-loader';
import { registerWebgpuKernels } from './webgpu-kernels';

/** Backends in the order init() tries them when none is forced. */
export const BACKEND_ORDER = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

export interface BackendLoadOptions {
  /** XNNPACK threads for wasm (default: all logical cores, at most 8). */
  threads: number;
}

/** What a loader found: the tfjs backend it activated and a line on why/how. */
export interface BackendLoaded {
  tfBackend: string;
  detail: string;
}

/** One loader per backend: activates it or throws an Error whose message says why it cannot. */
export type BackendLoader = (opts: BackendLoadOptions) => Promise<BackendLoaded>;

// Optional packages are loaded by name at run time so that a missing one is an ordinary,
// reportable condition rather than a compile- or import-time failure.
function optionalRequire(name: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(`'${name}'`)) {
      throw new Error(`package ${name} is not installed`);
    }
    throw new Error(`package ${name} failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
}

async function activate(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

// package.json overrides danfojs-node's tfjs-node dependency with an alias of @tensorflow/tfjs
// (the real one cannot install here), and npm hoists that alias to node_modules/@tensorflow/tfjs-node.
// Only the real package provides the 'tensorflow' backend.
function assertRealPackage(pkg: string): void {
  let manifest: { name?: string };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    manifest = require(`${pkg}/package.json`) as { name?: string };
  } catch {
    throw new Error(`package ${pkg} is not installed`);
  }
  if (manifest.name !== pkg) {
    throw new Error(`package ${pkg} is not installed (only danfojs-node's stand-in alias for ${manifest.name} is)`);
  }
}

const loadTensorflow =
  (pkg: string, hint: string): BackendLoader =>
  async () => {
    try {
      assertRealPackage(pkg);
      optionalRequire(pkg);
    } catch (e) {
      throw new Error(`${(e as Error).message} (${hint})`);
    }
    await activate('tensorflow');
    return { tfBackend: 'tensorflow', detail: `libtensorflow through ${pkg}` };
  };

interface DawnAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
interface DawnModule {
  create: (flags: string[]) => { requestAdapter: (o?: object) => Promise<{ info?: DawnAdapterInfo } | null> };
  globals: object;
}

/**
 * Software WebGPU adapters (Mesa's lavapipe/llvmpipe, SwiftShader) are slower than wasm and refused,
 * unless UNLEARN_WEBGPU_SOFTWARE=1: that runs the webgpu code path (asynchronous reads, WGSL kernels)
 * on a machine without a GPU, as CI's webgpu test does on lavapipe.
 */
export function isSoftwareAdapter(described: string): boolean {
  return /swiftshader|llvmpipe|lavapipe|\bsoftware\b|\bcpu\b/i.test(described);
}
export function softwareAdapterAllowed(): boolean {
  return process.env.UNLEARN_WEBGPU_SOFTWARE === '1';
}

const loadWebgpu: BackendLoader = async () => {
  // Without the loader Dawn only logs a stack-traced warning to stderr, which a wasm run should not show.
  const loader = vulkanLoaderError();
  if (loader != null) throw new Error(`no Vulkan loader, which WebGPU (Dawn) needs (${loader}; Debian package libvulkan1)`);
  // The webgpu package is an ES module; Node >= 20.19 loads it with require().
  const dawn = optionalRequire('webgpu') as DawnModule;
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter == null) throw new Error('no WebGPU adapter (needs a GPU driver with Vulkan and the Vulkan loader libvulkan1)');
  const info = adapter.info ?? {};
  const described = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  if (isSoftwareAdapter(described) && !softwareAdapterAllowed()) {
    throw new Error(`only a software WebGPU adapter was found (${described}); it is slower than wasm (UNLEARN_WEBGPU_SOFTWARE=1 uses it anyway, for tests)`);
  }
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  optionalRequire('@tensorflow/tfjs-backend-webgpu');
  registerWebgpuKernels();
  await activate('webgpu');
  return { tfBackend: 'webgpu', detail: `GPU adapter: ${described || 'unnamed'}` };
};

const loadWasm: BackendLoader = async ({ threads }) => {
  useThreadedWasm(threads);
  registerWasmKernels();
  await activate('wasm');
  guardWasmHeap();
  const t = wasmThreadsInfo();
  return {
    tfBackend: 'wasm',
    detail: `XNNPACK SIMD, ${t.threads} thread${t.threads > 1 ? 's' : ''}${t.threaded ? ' (threaded build)' : ''}, project conv2d gradients`,
  };
};

const loadCpu: BackendLoader = async () => {
  await activate('cpu');
  return { tfBackend: 'cpu', detail: 'pure JavaScript (slow: for checks only)' };
};

export const BACKEND_LOADERS: Record<BackendName, BackendLoader> = {
  'tensorflow-gpu': loadTensorflow('@tensorflow/tfjs-node-gpu', 'optional; needs CUDA 11.2 + cuDNN 8.1, see README'),
  tensorflow: loadTensorflow('@tensorflow/tfjs-node', 'optional; its install downloads libtensorflow, see README'),
  webgpu: loadWebgpu,
  wasm: loadWasm,
  cpu: loadCpu,
};

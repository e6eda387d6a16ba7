import * as fs from 'fs';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the patch must reach the real module object, not an import namespace
import os = require('os');
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { removeOnExit } from '../io/cleanup';

/**
 * Multi-threaded wasm in Node.
 *
 * tfjs-backend-wasm ships a threaded SIMD build (Emscripten pthreads, which run on worker_threads in
 * Node) but never uses it in Node: its feature flag is hard-wired to false there, its worker script is
 * handed over as a blob: URL that Node's Worker cannot load, and its C++ caps the XNNPACK pool at
 * (logical cores / 2), i.e. one thread on a 2-core machine. We register the 'wasm' backend ourselves
 * from the threaded build: the worker script is written to a file in a private temp folder (mode
 * 0700, removed on exit), and during module start-up
 * os.cpus() reports twice the wanted thread count so the cap becomes the count we ask for.
 * Measured on the 2-core machine: conv2d 1.8x and matMul 2.0x faster with 2 threads.
 * The pool's workers are unref'd, so they do not keep a finished script alive.
 */
export interface WasmThreadsResult {
  threads: number;
  threaded: boolean;
}

const WASM_OUT = 'wasm-out';
let lastResult: WasmThreadsResult = { threads: 1, threaded: false };

export function wasmThreadsInfo(): WasmThreadsResult {
  return lastResult;
}

function wasmOutDir(): string {
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), WASM_OUT);
}

let workerScript: string | null = null;

/** The worker script this process runs its wasm threads from (null before the threaded backend starts). */
export function wasmWorkerScriptPath(): string | null {
  return workerScript;
}

/**
 * Writes the worker script once per process into a fresh private folder (mkdtemp: mode 0700, a
 * random name), so no other user can plant or swap the code the threads run, as they could at a
 * fixed /tmp path. The folder is removed when the process exits or is interrupted.
 */
function writeWorkerScript(dir: string): string {
  if (workerScript != null) return workerScript;
  // The worker file exports its source as a string; Emscripten needs it as a runnable file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { wasmWorkerContents } = require(path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-wasm-'));
  fs.chmodSync(folder, 0o700);
  removeOnExit(folder);
  const file = path.join(folder, `tfjs-wasm-worker-${wasmBackend.version_wasm}.js`);
  fs.writeFileSync(file, wasmWorkerContents.replace(/\n/g, '\\n'), { mode: 0o600, flag: 'wx' });
  workerScript = file;
  return file;
}

interface EmscriptenModule {
  cwrap: (name: string, ret: string | null, args: string[]) => (...a: number[]) => number;
  tfjs?: unknown;
  /** Emscripten's pthread bookkeeping; each running pthread is a worker_threads Worker. */
  PThread: { runningWorkers: { unref(): void }[] };
}

async function createThreadedModule(threads: number): Promise<EmscriptenModule> {
  const dir = wasmOutDir();
  const mainScript = path.join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const workerScript = writeWorkerScript(dir);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(mainScript) as (cfg: object) => Promise<EmscriptenModule>;
  const realCpus = os.cpus;
  os.cpus = () => {
    const cpus = realCpus();
    while (cpus.length < threads * 2) cpus.push(cpus[0]);
    return cpus;
  };
  try {
    const module = await factory({
      locateFile: (file: string, prefix: string) => {
        if (file.endsWith('.worker.js')) return workerScript;
        if (file.endsWith('.wasm')) return path.join(dir, 'tfjs-backend-wasm-threaded-simd.wasm');
        return prefix + file;
      },
      mainScriptUrlOrBlob: mainScript,
    });
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module;
  } finally {
    os.cpus = realCpus;
  }
}

/**
 * Re-registers the 'wasm' backend factory so that it starts the threaded build with `threads`
 * XNNPACK threads. With threads <= 1 the package's own single-threaded SIMD build is kept.
 * Must run before the backend is first initialised.
 */
export function useThreadedWasm(threads: number): void {
  if (threads <= 1) {
    lastResult = { threads: 1, threaded: false };
    return;
  }
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await createThreadedModule(threads);
      wasmBackend.setThreadsCount(threads);
      const backend = new wasmBackend.BackendWasm(module as never);
      // The backend has now started XNNPACK's pool threads: Emscripten pthreads on worker_threads that
      // Emscripten refs while they run and that idle forever, so Node would never exit. Unref them: a
      // script that calls init() ends when its own work does (the pool still computes, see test/engine/exit).
      for (const w of module.PThread.runningWorkers) w.unref();
      lastResult = { threads: wasmBackend.getThreadsCount(), threaded: true };
      return backend;
    },
    2,
  );
}

import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_LOADERS, BACKEND_ORDER, type BackendName } from './backends';

export interface BackendAttempt {
  backend: BackendName;
  /** Why it was not used ('not tried' when an earlier one was chosen or one was forced). */
  reason: string;
}

export interface EngineInfo {
  backend: BackendName;
  /** Name of the active tfjs backend (tf.getBackend()). */
  tfBackend: string;
  detail: string;
  forced: boolean;
  skipped: BackendAttempt[];
  /** One line for logs and the first cell of a notebook. */
  summary: string;
}

export interface InitOptions {
  /** Force a backend; default: env UNLEARN_BACKEND, else the first that loads in BACKEND_ORDER. */
  backend?: string;
  /** wasm threads; default: env UNLEARN_WASM_THREADS, else the number of logical cores (max 8). */
  threads?: number;
  /** Print the summary line (default true). */
  log?: boolean;
}

let current: EngineInfo | null = null;

export function engineInfo(): EngineInfo | null {
  return current;
}

export function parseBackendName(name: string, source: string): BackendName {
  const n = name.trim().toLowerCase();
  if ((BACKEND_ORDER as readonly string[]).includes(n)) return n as BackendName;
  throw new Error(`Unknown backend '${name}' (from ${source}). Choose one of: ${BACKEND_ORDER.join(', ')}.`);
}

/** The most threads the wasm thread pool is given (the default takes the cores, up to this). */
export const MAX_WASM_THREADS = 8;

function threadCount(opt: number | undefined): number {
  const env = process.env.UNLEARN_WASM_THREADS;
  const asked = opt ?? (env != null && env !== '' ? Number(env) : null);
  if (asked == null) return Math.min(os.cpus().length, MAX_WASM_THREADS);
  if (!Number.isInteger(asked) || asked < 1 || asked > MAX_WASM_THREADS) {
    // An explicit count is taken as given or refused, never silently changed.
    throw new Error(`wasm threads must be an integer from 1 to ${MAX_WASM_THREADS}, got '${opt ?? env}' (option threads or UNLEARN_WASM_THREADS).`);
  }
  return asked;
}

/**
 * Picks and activates the compute backend: tensorflow-gpu -> tensorflow -> webgpu (real GPU adapter)
 * -> wasm (with the project's gradients, multi-threaded) -> cpu, unless one is forced. Reports which it
 * got and why each earlier one was skipped. Calling it again returns the active engine unchanged,
 * unless a different backend is forced. Nothing needs shutting down: a script that calls init() exits
 * by itself when its work is done (the wasm worker threads do not hold the process open).
 */
export async function init(opts: InitOptions = {}): Promise<EngineInfo> {
  const envForced = process.env.UNLEARN_BACKEND;
  const forcedName =
    opts.backend != null
      ? parseBackendName(opts.backend, 'init({ backend })')
      : envForced != null && envForced !== ''
        ? parseBackendName(envForced, 'environment variable UNLEARN_BACKEND')
        : null;
  if (current != null && (forcedName == null || forcedName === current.backend) && tf.getBackend() === current.tfBackend) {
    return current;
  }
  const threads = threadCount(opts.threads);
  const candidates: BackendName[] = forcedName != null ? [forcedName] : [...BACKEND_ORDER];
  const skipped: BackendAttempt[] = [];
  for (const backend of candidates) {
    try {
      const loaded = await BACKEND_LOADERS[backend]({ threads });
      const forced = forcedName != null;
      const why = forced ? 'forced' : skipped.length ? 'first available' : 'preferred';
      const summary =
        `unlearn-lab engine: ${backend} (${loaded.detail}; ${why})` +
        (skipped.length ? `; skipped: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}` : '');
      current = { backend, tfBackend: loaded.tfBackend, detail: loaded.detail, forced, skipped, summary };
      if (opts.log !== false) console.log(summary);
      return current;
    } catch (e) {
      const reason = (e as Error).message;
      if (forcedName != null) {
        throw new Error(
          `Backend '${forcedName}' was forced but cannot load: ${reason}. ` +
            `Unset UNLEARN_BACKEND or choose another of: ${BACKEND_ORDER.join(', ')}.`,
        );
      }
      skipped.push({ backend, reason });
    }
  }
  throw new Error(`No backend could load: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

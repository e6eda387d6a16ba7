import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type Inputs = Record<string, TensorInfo> | TensorInfo[];
type Attrs = Record<string, unknown>;

/**
 * Runs registered kernels of one backend directly (no autodiff tape, no engine bookkeeping)
 * and frees every intermediate result it made when disposed, except those it was asked to keep.
 * Kernel implementations use this to compose new kernels out of the backend's fast ones.
 */
export class KernelScope {
  private readonly temps: TensorInfo[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  run(kernelName: string, inputs: Inputs, attrs: Attrs = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (kernel == null) {
      throw new Error(`Kernel ${kernelName} is not registered for backend '${this.backendName}'.`);
    }
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** Hands a result out of the scope: it will not be freed by dispose(). */
  keep(t: TensorInfo): TensorInfo {
    const i = this.temps.lastIndexOf(t);
    if (i >= 0) this.temps.splice(i, 1);
    return t;
  }

  dispose(): void {
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    this.temps.length = 0;
  }
}

/** Runs fn in a fresh scope and returns its kept result; intermediates are always freed. */
export function withKernelScope(
  backend: tf.KernelBackend,
  backendName: string,
  fn: (scope: KernelScope) => TensorInfo,
): TensorInfo {
  const scope = new KernelScope(backend, backendName);
  try {
    return scope.keep(fn(scope));
  } finally {
    scope.dispose();
  }
}

import * as tf from '@tensorflow/tfjs';

/** What the guard needs of tfjs-backend-wasm's backend object (its Emscripten module). */
interface WasmBackendLike {
  wasm: { _malloc(bytes: number): number; wasmMemory?: { buffer: ArrayBufferLike } };
}

const GUARDED = Symbol('unlearn-lab wasm heap guard');

/**
 * Makes a full wasm heap an error. tfjs-backend-wasm places every tensor with the module's malloc and
 * never checks its result. Its build lets the heap grow to 4 GiB (all that 32-bit WebAssembly can
 * address), and past that malloc returns 0. The tensor is then written over whatever lies at address 0,
 * which corrupts other tensors with no error (a size of 4 GiB or more even wraps round to a small one).
 * A ResNet-18 training step at batch 128 on 32x32 inputs did that and ran on for over 20 minutes.
 * Here a failed allocation throws, naming the size and the fixes.
 */
export function guardWasmHeap(backend: tf.KernelBackend = tf.backend()): void {
  const wasm = (backend as unknown as WasmBackendLike).wasm;
  if (wasm == null || typeof wasm._malloc !== 'function') throw new Error('guardWasmHeap: the active backend is not tfjs-backend-wasm.');
  let malloc = wasm._malloc as typeof wasm._malloc & { [GUARDED]?: true };
  if (malloc[GUARDED]) return;
  const guarded = Object.assign((bytes: number): number => {
    // A size of 4 GiB or more would reach wasm as a 32-bit integer, wrapped round to a small one.
    const at = bytes < 2 ** 32 ? malloc(bytes) : 0;
    // Emscripten's export stub replaces itself on the module with the raw function when first called:
    // take that as the one to call, and put the guard back.
    if (wasm._malloc !== guarded) {
      malloc = wasm._malloc;
      wasm._malloc = guarded;
    }
    const heap = wasm.wasmMemory?.buffer.byteLength ?? Infinity;
    // (A block past the heap's end is never freed: freeing it could corrupt the allocator.)
    if (bytes > 0 && (at === 0 || at + bytes > heap)) {
      const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
      throw new Error(
        `The wasm heap is full: ${mb(bytes)} more could not be allocated (the heap is ${Number.isFinite(heap) ? mb(heap) : 'of unknown size'}, ` +
          `at most 4 GiB in 32-bit WebAssembly; tensors hold ${mb(tf.memory().numBytes)}). ` +
          'Use a smaller batch or a narrower model, or a backend without this limit (webgpu, tfjs-node).',
      );
    }
    return at;
  }, { [GUARDED]: true as const });
  wasm._malloc = guarded;
}

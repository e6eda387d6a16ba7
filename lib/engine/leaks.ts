import * as tf from '@tensorflow/tfjs';

/** Number of live tensors now. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/**
 * Throws if fn leaves more live tensors behind than `allowed` (tensors it returns are counted, so
 * return plain values or pass allowed). Use around an epoch, an unlearning round or a whole run.
 */
export async function expectNoLeak<T>(label: string, fn: () => Promise<T> | T, allowed = 0): Promise<T> {
  const before = liveTensors();
  const out = await fn();
  const leaked = liveTensors() - before;
  if (leaked > allowed) {
    throw new Error(`${label} leaked ${leaked} tensor(s) (allowed ${allowed}): dispose them or wrap the work in tf.tidy.`);
  }
  return out;
}

/** Records tensor counts at named points, so a test can assert they stay flat. */
export class TensorCountLog {
  readonly counts: Array<{ label: string; numTensors: number }> = [];

  mark(label: string): number {
    const n = liveTensors();
    this.counts.push({ label, numTensors: n });
    return n;
  }
}

import * as tf from '@tensorflow/tfjs';

/**
 * Reading tensors back to the host. Every read in lib/ is asynchronous (`await t.data()`): the webgpu
 * backend has no synchronous read in Node (its dataSync needs OffscreenCanvas), and eslint forbids
 * dataSync/arraySync/bufferSync there. tf.tidy cannot take an async function, so a read is "compute
 * inside tidy, return the tensors, await their data outside, dispose them": these helpers are that
 * last part, and free the tensors also when the read fails.
 */

/** The values of every tensor (one read each, concurrently); the tensors are disposed afterwards. */
export async function readAndDispose(tensors: readonly tf.Tensor[]): Promise<tf.TypedArray[]> {
  try {
    return await Promise.all(tensors.map((t) => t.data()));
  } finally {
    tf.dispose(tensors as tf.Tensor[]);
  }
}

/** The first value of a tensor (a scalar's value); the tensor is disposed afterwards. */
export async function readScalarAndDispose(t: tf.Tensor): Promise<number> {
  try {
    return (await t.data())[0];
  } finally {
    t.dispose();
  }
}

/** Runs fn inside tf.tidy (only the tensors it returns survive), reads them and disposes them. */
export async function tidyRead(fn: () => tf.Tensor[]): Promise<tf.TypedArray[]> {
  return readAndDispose(tf.tidy(fn));
}

/** Runs fn inside tf.tidy and reads the first value of the tensor it returns, which is then disposed. */
export async function tidyReadScalar(fn: () => tf.Tensor): Promise<number> {
  return readScalarAndDispose(tf.tidy(fn));
}

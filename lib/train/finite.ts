import * as tf from '@tensorflow/tfjs';

/**
 * The name of the first parameter that holds a NaN or an infinity, or null when every one is finite.
 * One read for all parameters together, so it is cheap enough to run once per epoch.
 */
export function nonFiniteParameter(params: readonly tf.Variable[]): string | null {
  if (params.length === 0) return null;
  const finite = tf.tidy(() => tf.stack(params.map((p) => tf.cast(tf.all(tf.isFinite(p)), 'int32'))).dataSync());
  const i = finite.findIndex((v) => v === 0);
  return i < 0 ? null : params[i].name;
}

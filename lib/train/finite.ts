import * as tf from '@tensorflow/tfjs';

/**
 * The name of the first parameter that holds a NaN or an infinity, or null when every one is finite.
 * One read for all parameters together, so it is cheap enough to run once per epoch.
 */
export async function nonFiniteParameter(params: readonly tf.Variable[]): Promise<string | null> {
  if (params.length === 0) return null;
  const flags = tf.tidy(() => tf.stack(params.map((p) => tf.cast(tf.all(tf.isFinite(p)), 'int32'))));
  const finite = await flags.data().finally(() => flags.dispose());
  const i = finite.findIndex((v) => v === 0);
  return i < 0 ? null : params[i].name;
}

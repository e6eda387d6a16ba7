import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import { indicesOfIds, type Dataset } from '../data/dataset';
import { readAndDispose } from '../engine/read';
import type { Classifier } from '../models/classifier';
import { BatchNorm, Conv2d, Identity, InstanceNorm, ReLU } from '../models/nn/layers';
import { Sequential, type Module } from '../models/nn/module';
import type { HeatMap } from './heatmap-overlay';

/**
 * Grad-CAM (Selvaraju et al.): the last convolutional block's activations A (h x w x c), weighted per
 * channel by the spatial mean of d(class logit)/dA, summed over channels, ReLU'd and scaled to
 * [0, 1] per image. Computed in evaluation mode. The Classifier API has no activation hooks, so the
 * feature extractor must be a Sequential: it is split after the last conv block (conv + norm + ReLU).
 */
export interface GradCamOptions {
  /** Which class's logit to explain: each image's 'label' (default), the model's 'predicted' class, or a fixed index. */
  target?: 'label' | 'predicted' | number;
}

/** The feature extractor's direct children, split after the last conv block. */
export function splitAtLastConvBlock(model: Classifier): { head: Module[]; tail: Module[] } {
  if (!(model.features instanceof Sequential)) {
    throw new Error(
      `gradCam: the features of '${model.spec.arch}' are not a Sequential, so the last conv block cannot be split off. ` +
        'Use a sequential convolutional model (convnet, lenet, allcnn, vgg16, cnn4), or add an activation hook to lib/models.',
    );
  }
  const children = model.features
    .namedModules()
    .filter(([name]) => name !== '' && !name.includes('.'))
    .map(([, m]) => m);
  const hasConv = (m: Module) => m.namedModules().some(([, x]) => x instanceof Conv2d);
  let last = -1;
  children.forEach((m, i) => {
    if (hasConv(m)) last = i;
  });
  if (last < 0) throw new Error(`gradCam: '${model.spec.arch}' has no convolution in its features; Grad-CAM needs a convolutional model.`);
  // The block's output is after its normalisation and activation, before pooling.
  let end = last + 1;
  while (end < children.length && [InstanceNorm, BatchNorm, ReLU, Identity].some((k) => children[end] instanceof k)) end++;
  return { head: children.slice(0, end), tail: children.slice(end) };
}

/** One Grad-CAM map per id, at the last conv block's resolution, each scaled to [0, 1] (all zeros when nothing is positive). */
export async function gradCam(model: Classifier, ds: Dataset, ids: ArrayLike<number>, opts: GradCamOptions = {}): Promise<HeatMap[]> {
  const target = opts.target ?? 'label';
  if (typeof target === 'number' && (!Number.isInteger(target) || target < 0 || target >= model.numClasses)) {
    throw new Error(`gradCam: target class ${target} is not in 0..${model.numClasses - 1}.`);
  }
  if (ids.length === 0) throw new Error('gradCam: no ids given; pass the ids of the images to explain.');
  const { head, tail } = splitAtLastConvBlock(model);
  const idx = indicesOfIds(ds, Array.from(ids));
  const run = (mods: Module[], x: tf.Tensor) => mods.reduce((y, m) => m.forward(y, false), x);
  const scaled = tf.tidy(() => {
    const { x, y } = batchTensors(ds, idx);
    const a = run(head, x) as tf.Tensor4D;
    const logitsOf = (act: tf.Tensor) => model.head.forward(run(tail, act), false) as tf.Tensor2D;
    const cls =
      target === 'label' ? y : target === 'predicted' ? logitsOf(a).argMax(1).toInt() : tf.fill([idx.length], target, 'int32');
    const onehot = tf.oneHot(cls as tf.Tensor1D, model.numClasses);
    const g = tf.grad((act: tf.Tensor) => logitsOf(act).mul(onehot).sum())(a) as tf.Tensor4D;
    const weights = g.mean([1, 2], true);
    const cam = tf.relu(a.mul(weights).sum(3)) as tf.Tensor3D;
    const max = cam.max([1, 2], true);
    return cam.div(tf.maximum(max, 1e-12)) as tf.Tensor3D;
  });
  const [n, h, w] = scaled.shape;
  const maps = (await readAndDispose([scaled]))[0] as Float32Array;
  return Array.from({ length: n }, (_, i) => ({ values: maps.slice(i * h * w, (i + 1) * h * w), height: h, width: w }));
}

/** Shape of one input image, NHWC without the batch: [height, width, channels]. */
export type ImageShape = [number, number, number];

/**
 * An image classification dataset held in memory.
 * images: NHWC float32, already normalised with (mean, std) per channel (what models consume);
 * ids: stable sample ids (position in the source files), kept by every subset so that splits,
 * clusters and condensed images can be traced back to source images.
 */
export interface Dataset {
  name: string;
  split: string;
  images: Float32Array;
  labels: Int32Array;
  ids: Int32Array;
  shape: ImageShape;
  classNames: string[];
  mean: number[];
  std: number[];
}

export function numClasses(ds: Dataset): number {
  return ds.classNames.length;
}

export function size(ds: Dataset): number {
  return ds.labels.length;
}

export function imageSize(ds: Dataset): number {
  return ds.shape[0] * ds.shape[1] * ds.shape[2];
}

/** Builds a dataset after checking that every array agrees with the shape and class list. */
export function makeDataset(d: Dataset): Dataset {
  const n = d.labels.length;
  const per = d.shape[0] * d.shape[1] * d.shape[2];
  if (d.images.length !== n * per) {
    throw new Error(`${d.name}/${d.split}: ${d.images.length} pixel values do not make ${n} images of shape [${d.shape.join(', ')}].`);
  }
  if (d.ids.length !== n) throw new Error(`${d.name}/${d.split}: ${d.ids.length} ids for ${n} labels.`);
  if (d.mean.length !== d.shape[2] || d.std.length !== d.shape[2]) {
    throw new Error(`${d.name}/${d.split}: normalisation stats need one mean and std per channel (${d.shape[2]}).`);
  }
  const k = d.classNames.length;
  for (let i = 0; i < n; i++) {
    if (d.labels[i] < 0 || d.labels[i] >= k) {
      throw new Error(`${d.name}/${d.split}: label ${d.labels[i]} of sample ${d.ids[i]} is outside 0..${k - 1}.`);
    }
  }
  return d;
}

/** Normalises raw [0,1] pixel values in place, channel by channel (NHWC). */
export function normaliseInPlace(pixels: Float32Array, mean: number[], std: number[]): Float32Array {
  const c = mean.length;
  for (let i = 0; i < pixels.length; i++) {
    const ch = i % c;
    pixels[i] = (pixels[i] - mean[ch]) / std[ch];
  }
  return pixels;
}

/** A new dataset made of the samples at the given positions (not ids), in that order. */
export function subsetByIndex(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const per = imageSize(ds);
  const n = indices.length;
  const images = new Float32Array(n * per);
  const labels = new Int32Array(n);
  const ids = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= ds.labels.length) {
      throw new Error(`${ds.name}/${ds.split}: index ${i} is out of range 0..${ds.labels.length - 1}.`);
    }
    images.set(ds.images.subarray(i * per, (i + 1) * per), j * per);
    labels[j] = ds.labels[i];
    ids[j] = ds.ids[i];
  }
  return { ...ds, images, labels, ids };
}

/** Positions of the given sample ids; throws naming the first id that is not in the dataset. */
export function indicesOfIds(ds: Dataset, ids: Iterable<number>): Int32Array {
  const pos = new Map<number, number>();
  ds.ids.forEach((id, i) => pos.set(id, i));
  const out: number[] = [];
  for (const id of ids) {
    const i = pos.get(id);
    if (i === undefined) {
      throw new Error(
        `${ds.name}/${ds.split}: sample id ${id} is not in this dataset (${ds.labels.length} samples). Use ids from this split.`,
      );
    }
    out.push(i);
  }
  return Int32Array.from(out);
}

/** A new dataset with the samples whose ids are given. */
export function subsetByIds(ds: Dataset, ids: Iterable<number>): Dataset {
  return subsetByIndex(ds, indicesOfIds(ds, ids));
}

/** Concatenates datasets of the same image shape and classes (e.g. residual images + blended images). */
export function concatDatasets(name: string, parts: Dataset[]): Dataset {
  if (parts.length === 0) throw new Error('concatDatasets needs at least one dataset.');
  const [first] = parts;
  for (const p of parts) {
    if (p.shape.join() !== first.shape.join() || p.classNames.join() !== first.classNames.join()) {
      throw new Error(`concatDatasets: ${p.name}/${p.split} differs in shape or classes from ${first.name}/${first.split}.`);
    }
  }
  const images = new Float32Array(parts.reduce((s, p) => s + p.images.length, 0));
  const labels = new Int32Array(parts.reduce((s, p) => s + p.labels.length, 0));
  const ids = new Int32Array(labels.length);
  let o = 0;
  let l = 0;
  for (const p of parts) {
    images.set(p.images, o);
    labels.set(p.labels, l);
    ids.set(p.ids, l);
    o += p.images.length;
    l += p.labels.length;
  }
  return { ...first, name, images, labels, ids };
}

/** Number of samples per class. */
export function classHistogram(ds: Dataset): number[] {
  const h = new Array<number>(ds.classNames.length).fill(0);
  for (const y of ds.labels) h[y]++;
  return h;
}

import { imageSize, makeDataset, type Dataset } from '../../data/dataset';

/**
 * A few images kept inside a results.json (plain JSON numbers, 4 decimals), so that a report or a
 * notebook redraws them from the committed result without re-running the experiment.
 */
export interface StoredImages {
  name: string;
  shape: [number, number, number];
  mean: number[];
  std: number[];
  labels: number[];
  pixels: number[][];
}

/** The images at `positions` of `ds` (all of them when omitted), in that order. */
export function storeImages(ds: Dataset, positions?: ArrayLike<number>): StoredImages {
  const per = imageSize(ds);
  const pos = positions ? Array.from(positions) : Array.from(ds.labels, (_, i) => i);
  return {
    name: ds.name,
    shape: [...ds.shape],
    mean: [...ds.mean],
    std: [...ds.std],
    labels: pos.map((i) => ds.labels[i]),
    pixels: pos.map((i) => Array.from(ds.images.subarray(i * per, (i + 1) * per), (v) => Math.round(v * 1e4) / 1e4)),
  };
}

/** Stored images as a Dataset again; ids, class names and split are the caller's (a result keeps them once). */
export function restoreImages(s: StoredImages, o: { ids: ArrayLike<number>; classNames: string[]; split: string }): Dataset {
  return makeDataset({
    name: s.name,
    split: o.split,
    images: Float32Array.from(s.pixels.flat()),
    labels: Int32Array.from(s.labels),
    ids: Int32Array.from(o.ids),
    shape: s.shape,
    classNames: o.classNames,
    mean: s.mean,
    std: s.std,
  });
}

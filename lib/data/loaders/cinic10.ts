import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from '../dataset';
import { checkCount, checkSplit, datasetFromBytes, isDirectory, resolveDataDir, sortedEntries, type LoaderOptions } from './common';
import { decodePngRgb } from './images';

/** CINIC-10 uses CIFAR-10's classes; folders are these names (sorted, as torchvision's ImageFolder). */
export const CINIC10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
/** DC_Unlearning's CINIC-10 statistics. */
export const CINIC10_MEAN = [0.478, 0.472, 0.43];
export const CINIC10_STD = [0.242, 0.238, 0.258];
export const CINIC10_SPLITS = ['train', 'valid', 'test'] as const;
export type Cinic10Split = (typeof CINIC10_SPLITS)[number];
const SCRIPT = 'download-cinic10.sh';
/** Published size of each split (Darlow et al. 2018): 9000 images per class. */
export const CINIC10_COUNT = 90000;

export interface Cinic10Options extends LoaderOptions {
  /** Keep only the first k images (in sorted file order) of each class: quick CPU runs. */
  maxPerClass?: number;
}

export function cinic10Dir(dir?: string): string {
  return resolveDataDir(
    {
      dataset: 'cinic10',
      envVar: 'CINIC10_DIR',
      script: SCRIPT,
      expected: 'the CINIC-10 folder tree {train,valid,test}/{airplane,...,truck}/*.png (CINIC-10.tar.gz)',
      subdirs: ['CINIC-10'],
      looksRight: (d) => CINIC10_SPLITS.some((s) => isDirectory(path.join(d, s))),
    },
    dir,
  );
}

/**
 * Loads one split of CINIC-10 from its PNG tree: [n, 32, 32, 3], normalised. Grayscale and palette
 * PNGs are converted to RGB. Order (and ids) = class folder order, then sorted file names, as
 * torchvision's ImageFolder; ids are positions in that order within the whole split.
 */
export function loadCinic10(split: Cinic10Split | string, opts: Cinic10Options = {}): Dataset {
  const s = checkSplit('cinic10', split, CINIC10_SPLITS);
  const root = path.join(cinic10Dir(opts.dir), s);
  if (!isDirectory(root)) throw new Error(`cinic10: split folder ${root} is missing. Re-download CINIC-10 (data-scripts/${SCRIPT}).`);
  const max = opts.maxPerClass;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) throw new Error(`cinic10: maxPerClass must be a positive integer, got ${max}.`);
  const missing = CINIC10_CLASSES.filter((c) => !isDirectory(path.join(root, c)));
  if (missing.length > 0) {
    throw new Error(`cinic10: ${root} lacks the class folder(s) ${missing.join(', ')}. Expected ${CINIC10_CLASSES.join(', ')}; re-download (data-scripts/${SCRIPT}).`);
  }
  // Ids count every file of the split, so capping with maxPerClass keeps the full-split ids.
  const files: { file: string; label: number; id: number }[] = [];
  let offset = 0;
  CINIC10_CLASSES.forEach((c, label) => {
    const folder = path.join(root, c);
    const names = sortedEntries(folder, (n) => n.toLowerCase().endsWith('.png'));
    if (names.length === 0) throw new Error(`cinic10: class folder ${folder} holds no .png images. Re-download (data-scripts/${SCRIPT}).`);
    names.slice(0, max ?? names.length).forEach((n, k) => files.push({ file: path.join(folder, n), label, id: offset + k }));
    offset += names.length;
  });
  // The whole split on disk is counted (maxPerClass caps what is loaded, not what must be there).
  checkCount('cinic10', s, offset, CINIC10_COUNT, opts.expectCount, root, SCRIPT);
  const pixels = new Uint8Array(files.length * 3072);
  const labels = new Int32Array(files.length);
  files.forEach(({ file, label }, i) => {
    const img = decodePngRgb(fs.readFileSync(file), file);
    if (img.width !== 32 || img.height !== 32) throw new Error(`${file} is ${img.width}x${img.height}; CINIC-10 images are 32x32.`);
    pixels.set(img.data, i * 3072);
    labels[i] = label;
  });
  return datasetFromBytes({
    name: 'cinic10',
    split: s,
    pixels,
    labels,
    ids: Int32Array.from(files, (f) => f.id),
    shape: [32, 32, 3],
    classNames: CINIC10_CLASSES,
    mean: opts.mean ?? CINIC10_MEAN,
    std: opts.std ?? CINIC10_STD,
  });
}

import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../../engine/rng';
import type { Dataset } from '../dataset';
import { checkCount, checkSplit, datasetFromBytes, resolveDataDir, sortedEntries, type LoaderOptions } from './common';
import { decodeJpegRgb, resizeBilinear } from './images';

/**
 * Age groupings of L2UL (Cha et al.), which the SULI paper follows: bin edges [e0, e1, ...),
 * class k = ages in [e_k, e_{k+1}). MFD (3 classes) is L2UL's default.
 */
export const UTKFACE_GROUPINGS: Record<string, number[]> = {
  MFD: [0, 20, 41, 120],
  balanced: [0, 20, 30, 45, 120],
  TNN: [0, 10, 15, 20, 25, 30, 40, 50, 60, 120],
  groups: [0, 4, 13, 20, 31, 46, 61, 120],
  tens: [0, 11, 21, 31, 41, 51, 61, 71, 81, 91, 101, 111, 120],
};
/** No statistics in the reference code (L2UL feeds unnormalised pixels); 0.5/0.5 maps [0,1] to [-1,1]. */
export const UTKFACE_MEAN = [0.5, 0.5, 0.5];
export const UTKFACE_STD = [0.5, 0.5, 0.5];
export const UTKFACE_SPLITS = ['train', 'val', 'test', 'all'] as const;
export type UtkfaceSplit = (typeof UTKFACE_SPLITS)[number];
/** L2UL's split of 23,708 images: 18,966 / 2,371 / rest, i.e. these fractions, rounded. */
export const UTKFACE_SPLIT_FRACTIONS = { train: 0.8, val: 0.1 };
const SCRIPT = 'download-utkface.sh';

export interface UtkfaceOptions extends LoaderOptions {
  /** Square output size; docs/reference/suli.md#s11 resizes to 32 for All-CNN (L2UL uses 128 then crop 120). */
  size?: number;
  /** A grouping name of UTKFACE_GROUPINGS or explicit bin edges. Default 'MFD'. */
  grouping?: string | number[];
  /** Seed of the train/val/test permutation. Default 0. */
  seed?: number | string;
  /** Skip files whose names do not follow [age]_[gender]_[race]_[date&time].jpg (else: error listing them). */
  skipMalformed?: boolean;
}

export interface UtkfaceName {
  age: number;
  gender: number;
  race: number;
  date: string;
}

const NAME = /^(\d{1,3})_([01])_([0-4])_(\d+)\.jpg(\.chip\.jpg)?$/i;

/** Parses [age]_[gender]_[race]_[date&time].jpg (optionally .jpg.chip.jpg); null when malformed. */
export function parseUtkfaceName(name: string): UtkfaceName | null {
  const m = NAME.exec(name);
  if (!m) return null;
  return { age: Number(m[1]), gender: Number(m[2]), race: Number(m[3]), date: m[4] };
}

function bins(grouping: string | number[]): number[] {
  const b = typeof grouping === 'string' ? UTKFACE_GROUPINGS[grouping] : grouping;
  if (!b) throw new Error(`utkface: unknown age grouping '${grouping}'. Use one of ${Object.keys(UTKFACE_GROUPINGS).join(', ')} or bin edges.`);
  if (b.length < 3 || b.some((v, i) => i > 0 && !(v > b[i - 1]))) {
    throw new Error(`utkface: age bin edges must be increasing with at least 2 classes, got [${b.join(', ')}].`);
  }
  return b;
}

/** Class of an age: k with edges[k] <= age < edges[k+1]; throws when outside the bins. */
export function utkfaceAgeClass(age: number, edges: number[]): number {
  for (let k = 0; k + 1 < edges.length; k++) if (age >= edges[k] && age < edges[k + 1]) return k;
  throw new Error(`utkface: age ${age} is outside the bins [${edges[0]}, ${edges[edges.length - 1]}).`);
}

export function utkfaceDir(dir?: string): string {
  return resolveDataDir(
    {
      dataset: 'utkface',
      envVar: 'UTKFACE_DIR',
      script: SCRIPT,
      expected: 'UTKFace face crops named [age]_[gender]_[race]_[date&time].jpg(.chip.jpg)',
      subdirs: ['UTKFace', 'crop_part1'],
      looksRight: (d) => fs.readdirSync(d).some((n) => n.toLowerCase().endsWith('.jpg')),
    },
    dir,
  );
}

/** .jpg files of the published UTKFace face crops (UTKFace.tar.gz, the set the data script checks too). */
export const UTKFACE_IMAGES = 23708;

/**
 * Loads UTKFace for age-group classification: [n, size, size, 3], normalised. Ids = positions in
 * the sorted list of all .jpg files of the directory (malformed names included, so ids do not
 * move when they are skipped). train/val/test come from one seeded permutation of the usable files.
 */
export function loadUtkface(split: UtkfaceSplit | string, opts: UtkfaceOptions = {}): Dataset {
  const s = checkSplit('utkface', split, UTKFACE_SPLITS);
  const dir = utkfaceDir(opts.dir);
  const size = opts.size ?? 32;
  if (!Number.isInteger(size) || size < 1) throw new Error(`utkface: size must be a positive integer, got ${size}.`);
  const edges = bins(opts.grouping ?? 'MFD');
  const names = sortedEntries(dir, (n) => n.toLowerCase().endsWith('.jpg'));
  // Every split is drawn from all files, so a half-unpacked folder would silently shrink all of them.
  checkCount('utkface', s, names.length, UTKFACE_IMAGES, opts.expectCount, dir, 'download-utkface.sh');
  const usable: { id: number; name: string; label: number }[] = [];
  const malformed: string[] = [];
  names.forEach((name, id) => {
    const parsed = parseUtkfaceName(name);
    if (!parsed) malformed.push(name);
    else usable.push({ id, name, label: utkfaceAgeClass(parsed.age, edges) });
  });
  if (malformed.length > 0 && !opts.skipMalformed) {
    const shown = malformed.slice(0, 20).join(', ');
    throw new Error(
      `utkface: ${malformed.length} file name(s) in ${dir} do not follow [age]_[gender]_[race]_[date&time].jpg: ${shown}` +
        `${malformed.length > 20 ? ', ...' : ''}. Pass { skipMalformed: true } to leave them out, or rename them.`,
    );
  }
  if (usable.length === 0) throw new Error(`utkface: no usable images in ${dir}.`);
  const order = new Rng(opts.seed ?? 0).permutation(usable.length);
  const nTrain = Math.round(UTKFACE_SPLIT_FRACTIONS.train * usable.length);
  const nVal = Math.round(UTKFACE_SPLIT_FRACTIONS.val * usable.length);
  const ranges: Record<UtkfaceSplit, [number, number]> = {
    train: [0, nTrain],
    val: [nTrain, nTrain + nVal],
    test: [nTrain + nVal, usable.length],
    all: [0, usable.length],
  };
  // Within a split, samples keep file order (ascending ids).
  const picked = Array.from(order.subarray(...ranges[s]))
    .sort((a, b) => a - b)
    .map((k) => usable[k]);
  const per = size * size * 3;
  const pixels = new Float32Array(picked.length * per);
  picked.forEach(({ name }, i) => {
    const file = path.join(dir, name);
    const img = decodeJpegRgb(fs.readFileSync(file), file);
    const resized = resizeBilinear(img.data, img.height, img.width, 3, size, size);
    for (let k = 0; k < per; k++) pixels[i * per + k] = resized[k] / 255;
  });
  const classNames = edges.slice(0, -1).map((lo, k) => `${lo}-${edges[k + 1] - 1}`);
  return datasetFromBytes({
    name: 'utkface',
    split: s,
    pixels,
    labels: Int32Array.from(picked, (p) => p.label),
    ids: Int32Array.from(picked, (p) => p.id),
    shape: [size, size, 3],
    classNames,
    mean: opts.mean ?? UTKFACE_MEAN,
    std: opts.std ?? UTKFACE_STD,
    unitRange: true,
  });
}

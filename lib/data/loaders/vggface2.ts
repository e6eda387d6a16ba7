import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../../engine/rng';
import type { Dataset } from '../dataset';
import { checkSplit, datasetFromBytes, isDirectory, resolveDataDir, sortedEntries, type LoaderOptions } from './common';
import { centerCropSquare, decodeJpegRgb, resizeBilinear } from './images';

/** No statistics in the reference code; 0.5/0.5 maps [0,1] to [-1,1] (Boundary Unlearning's choice for CIFAR). */
export const VGGFACE2_MEAN = [0.5, 0.5, 0.5];
export const VGGFACE2_STD = [0.5, 0.5, 0.5];
export const VGGFACE2_SPLITS = ['train', 'test'] as const;
export type Vggface2Split = (typeof VGGFACE2_SPLITS)[number];
const SCRIPT = 'download-vggface2.sh';
const IDENTITY = /^n\d+$/;

export interface Vggface2Options extends LoaderOptions {
  /** Number of identities drawn (seeded) from the identity folders: the classes. Default 10 (Boundary Unlearning, SULI). */
  identities?: number;
  /** Explicit identity folder names instead of a seeded draw. */
  identityList?: string[];
  /** Seed of the identity draw and of the per-identity train/test split. Default 0. */
  seed?: number | string;
  /** Square output size after a centre square crop. Default 224 (ResNet-50 input in docs/reference/suli.md#s11). */
  size?: number;
  /** Share of each identity's images that goes to the test split. Default 0.2. */
  testFraction?: number;
  /** Use only the first k images (sorted names) of each identity: quick CPU runs. */
  maxPerIdentity?: number;
}

export function vggface2Dir(dir?: string): string {
  return resolveDataDir(
    {
      dataset: 'vggface2',
      envVar: 'VGGFACE2_DIR',
      script: SCRIPT,
      expected: 'VGGFace2 identity folders n000002/0001_01.jpg, ... (e.g. the unpacked vggface2_train.tar.gz)',
      subdirs: ['train', 'vggface2_train/train'],
      looksRight: (d) => fs.readdirSync(d).some((n) => IDENTITY.test(n) && isDirectory(path.join(d, n))),
    },
    dir,
  );
}

/** The identities a load with these options uses, in class order. */
export function vggface2Identities(opts: Vggface2Options = {}): string[] {
  const dir = vggface2Dir(opts.dir);
  const all = sortedEntries(dir, (n, full) => IDENTITY.test(n) && isDirectory(full));
  if (opts.identityList) {
    const unknown = opts.identityList.filter((n) => !all.includes(n));
    if (unknown.length > 0) throw new Error(`vggface2: identity folder(s) ${unknown.join(', ')} not found in ${dir}.`);
    return [...opts.identityList].sort();
  }
  const k = opts.identities ?? 10;
  if (!Number.isInteger(k) || k < 2 || k > all.length) {
    throw new Error(`vggface2: identities must be an integer in 2..${all.length} (identity folders in ${dir}), got ${k}.`);
  }
  return new Rng(opts.seed ?? 0).fork('identities').sample(all, k).sort();
}

/**
 * Loads a k-identity face-recognition task from VGGFace2: [n, size, size, 3], normalised, each
 * image centre-cropped to a square and resized (antialiased bilinear). classNames are the identity
 * folder names. Ids = positions in the sorted list of all files of the chosen identities (identity
 * by identity), shared by train and test; each identity's images are split with a seeded shuffle.
 */
export function loadVggface2(split: Vggface2Split | string, opts: Vggface2Options = {}): Dataset {
  const s = checkSplit('vggface2', split, VGGFACE2_SPLITS);
  const dir = vggface2Dir(opts.dir);
  const size = opts.size ?? 224;
  const testFraction = opts.testFraction ?? 0.2;
  if (!Number.isInteger(size) || size < 1) throw new Error(`vggface2: size must be a positive integer, got ${size}.`);
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`vggface2: testFraction must be in (0, 1), got ${testFraction}.`);
  const max = opts.maxPerIdentity;
  if (max !== undefined && (!Number.isInteger(max) || max < 2)) throw new Error(`vggface2: maxPerIdentity must be an integer >= 2, got ${max}.`);
  const identities = vggface2Identities(opts);
  const rng = new Rng(opts.seed ?? 0).fork('split');
  const picked: { file: string; id: number; label: number }[] = [];
  let offset = 0;
  identities.forEach((identity, label) => {
    const folder = path.join(dir, identity);
    const names = sortedEntries(folder, (n) => n.toLowerCase().endsWith('.jpg'));
    if (names.length < 2) {
      throw new Error(`vggface2: identity folder ${folder} holds ${names.length} .jpg image(s); at least 2 are needed for a train/test split.`);
    }
    const used = names.slice(0, max ?? names.length);
    const nTest = Math.max(1, Math.min(used.length - 1, Math.round(testFraction * used.length)));
    const order = rng.fork(identity).permutation(used.length);
    const chosen = s === 'test' ? order.subarray(0, nTest) : order.subarray(nTest);
    for (const k of Array.from(chosen).sort((a, b) => a - b)) picked.push({ file: path.join(folder, used[k]), id: offset + k, label });
    offset += names.length;
  });
  const per = size * size * 3;
  const pixels = new Float32Array(picked.length * per);
  picked.forEach(({ file }, i) => {
    const img = centerCropSquare(decodeJpegRgb(fs.readFileSync(file), file));
    const resized = resizeBilinear(img.data, img.height, img.width, 3, size, size);
    for (let k = 0; k < per; k++) pixels[i * per + k] = resized[k] / 255;
  });
  return datasetFromBytes({
    name: 'vggface2',
    split: s,
    pixels,
    labels: Int32Array.from(picked, (p) => p.label),
    ids: Int32Array.from(picked, (p) => p.id),
    shape: [size, size, 3],
    classNames: identities,
    mean: opts.mean ?? VGGFACE2_MEAN,
    std: opts.std ?? VGGFACE2_STD,
    unitRange: true,
  });
}

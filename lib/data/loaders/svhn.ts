import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from '../dataset';
import { checkCount, checkSplit, datasetFromBytes, readDataFile, resolveDataDir, type LoaderOptions } from './common';
import { readMat5 } from './mat5';

export const SVHN_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** DC_Unlearning's SVHN statistics (DC_U normalises SVHN with the CIFAR-10 ones: pass those as mean/std). */
export const SVHN_MEAN = [0.4377, 0.4438, 0.4728];
export const SVHN_STD = [0.198, 0.201, 0.197];
export const SVHN_SPLITS = ['train', 'test', 'extra'] as const;
export type SvhnSplit = (typeof SVHN_SPLITS)[number];
const SCRIPT = 'download-svhn.sh';
/** Published split sizes (Netzer et al. 2011). */
export const SVHN_COUNTS: Record<SvhnSplit, number> = { train: 73257, test: 26032, extra: 531131 };

export function svhnDir(dir?: string): string {
  return resolveDataDir(
    {
      dataset: 'svhn',
      envVar: 'SVHN_DIR',
      script: SCRIPT,
      expected: 'the SVHN cropped digits (train_32x32.mat, test_32x32.mat, optionally extra_32x32.mat)',
      looksRight: (d) => SVHN_SPLITS.some((s) => fs.existsSync(path.join(d, `${s}_32x32.mat`))),
    },
    dir,
  );
}

/**
 * Loads one split of SVHN (format 2, cropped digits) from `<split>_32x32.mat`: X is 32x32x3xN
 * uint8 in MATLAB's column-major order, y is Nx1 with label 10 standing for digit 0 (mapped to 0,
 * as torchvision does). Returns [n, 32, 32, 3], normalised; ids are the positions in the file.
 */
export function loadSvhn(split: SvhnSplit | string, opts: LoaderOptions = {}): Dataset {
  const s = checkSplit('svhn', split, SVHN_SPLITS);
  const file = path.join(svhnDir(opts.dir), `${s}_32x32.mat`);
  const arrays = readMat5(readDataFile('svhn', file, SCRIPT), file);
  const X = arrays.get('X');
  const y = arrays.get('y');
  if (!X || !y) throw new Error(`${file} lacks the arrays X and y of SVHN's cropped-digit format. Re-download it (data-scripts/${SCRIPT}).`);
  if (X.dims.length !== 4 || X.dims[0] !== 32 || X.dims[1] !== 32 || X.dims[2] !== 3) {
    throw new Error(`${file}: X has dims [${X.dims.join('x')}], expected 32x32x3xN.`);
  }
  const n = X.dims[3];
  if (y.data.length !== n) throw new Error(`${file}: X holds ${n} images but y holds ${y.data.length} labels.`);
  checkCount('svhn', s, n, SVHN_COUNTS[s], opts.expectCount, file, SCRIPT);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = Number(y.data[i]);
    if (!Number.isInteger(v) || v < 1 || v > 10) throw new Error(`${file}: label y[${i}] = ${v} is outside 1..10.`);
    labels[i] = v === 10 ? 0 : v;
  }
  // Column-major X[h, w, c, i] sits at h + 32 w + 1024 c + 3072 i; write it as NHWC.
  const src = X.data;
  const pixels = new Uint8Array(n * 3072);
  for (let i = 0; i < n; i++) {
    const base = i * 3072;
    for (let c = 0; c < 3; c++) {
      for (let w = 0; w < 32; w++) {
        for (let h = 0; h < 32; h++) pixels[base + (h * 32 + w) * 3 + c] = src[base + h + 32 * w + 1024 * c];
      }
    }
  }
  return datasetFromBytes({
    name: 'svhn',
    split: s,
    pixels,
    labels,
    ids: Int32Array.from({ length: n }, (_, k) => k),
    shape: [32, 32, 3],
    classNames: SVHN_CLASSES,
    mean: opts.mean ?? SVHN_MEAN,
    std: opts.std ?? SVHN_STD,
  });
}

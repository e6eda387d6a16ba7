import * as fs from 'fs';
import * as path from 'path';
import type { Dataset } from '../dataset';
import { checkCount, checkSplit, datasetFromBytes, readDataFile, resolveDataDir, type LoaderOptions } from './common';

/** Class names as in batches.meta.txt, used when the meta file is absent. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
/** Normalisation of the reference code (DC_Unlearning and SULI): ToTensor then Normalize(mean, std). */
export const CIFAR10_MEAN = [0.4914, 0.4822, 0.4465];
export const CIFAR10_STD = [0.2023, 0.1994, 0.201];
export const CIFAR10_SPLITS = ['train', 'test'] as const;
export type Cifar10Split = (typeof CIFAR10_SPLITS)[number];

const RECORD = 1 + 3072; // label byte, then 1024 R, 1024 G, 1024 B bytes (row-major 32x32 planes)
const FILES: Record<Cifar10Split, string[]> = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
};
const SCRIPT = 'download-cifar10.sh';
/** Published split sizes (Krizhevsky 2009). */
export const CIFAR10_COUNTS: Record<Cifar10Split, number> = { train: 50000, test: 10000 };

export function cifar10Dir(dir?: string): string {
  return resolveDataDir(
    {
      dataset: 'cifar10',
      envVar: 'CIFAR10_DIR',
      script: SCRIPT,
      expected: 'the CIFAR-10 binary version (data_batch_1..5.bin, test_batch.bin, batches.meta.txt from cifar-10-binary.tar.gz)',
      subdirs: ['cifar-10-batches-bin'],
      looksRight: (d) => fs.existsSync(path.join(d, 'test_batch.bin')) || fs.existsSync(path.join(d, 'data_batch_1.bin')),
    },
    dir,
  );
}

/** Class names from batches.meta.txt (one per line, blank lines ignored). */
function readClassNames(dir: string): string[] {
  const meta = path.join(dir, 'batches.meta.txt');
  if (!fs.existsSync(meta)) return CIFAR10_CLASSES;
  const names = fs
    .readFileSync(meta, 'utf8')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length !== 10) throw new Error(`${meta} lists ${names.length} class names; CIFAR-10 has 10. Re-download the dataset (data-scripts/${SCRIPT}).`);
  return names;
}

/**
 * Loads one split of CIFAR-10 from the binary batches: [n, 32, 32, 3], normalised; ids are the
 * record positions over the split's files in order (data_batch_1 first).
 */
export function loadCifar10(split: Cifar10Split | string, opts: LoaderOptions = {}): Dataset {
  const s = checkSplit('cifar10', split, CIFAR10_SPLITS);
  const dir = cifar10Dir(opts.dir);
  const classNames = readClassNames(dir);
  const buffers = FILES[s].map((name) => {
    const file = path.join(dir, name);
    const buf = readDataFile('cifar10', file, SCRIPT);
    if (buf.length === 0 || buf.length % RECORD !== 0) {
      throw new Error(
        `${file} is truncated or corrupt: ${buf.length} bytes is not a whole number of ${RECORD}-byte records. Re-download it (data-scripts/${SCRIPT}).`,
      );
    }
    return { file, buf };
  });
  const n = buffers.reduce((a, b) => a + b.buf.length / RECORD, 0);
  checkCount('cifar10', s, n, CIFAR10_COUNTS[s], opts.expectCount, `${dir} (${FILES[s].join(', ')})`, SCRIPT);
  const pixels = new Uint8Array(n * 3072);
  const labels = new Int32Array(n);
  let i = 0;
  for (const { file, buf } of buffers) {
    for (let r = 0; r < buf.length; r += RECORD, i++) {
      const y = buf[r];
      if (y > 9) throw new Error(`${file}: record ${r / RECORD} has label byte ${y}; CIFAR-10 labels are 0..9. The file is corrupt; re-download it.`);
      labels[i] = y;
      // Planes (C, H, W) -> HWC.
      const out = i * 3072;
      for (let p = 0; p < 1024; p++) {
        pixels[out + 3 * p] = buf[r + 1 + p];
        pixels[out + 3 * p + 1] = buf[r + 1 + 1024 + p];
        pixels[out + 3 * p + 2] = buf[r + 1 + 2048 + p];
      }
    }
  }
  return datasetFromBytes({
    name: 'cifar10',
    split: s,
    pixels,
    labels,
    ids: Int32Array.from({ length: n }, (_, k) => k),
    shape: [32, 32, 3],
    classNames,
    mean: opts.mean ?? CIFAR10_MEAN,
    std: opts.std ?? CIFAR10_STD,
  });
}

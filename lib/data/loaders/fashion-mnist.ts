import * as fs from 'fs';
import * as path from 'path';
import { makeDataset, normaliseInPlace, type Dataset } from '../dataset';
import { pathSetting } from '../../io/preflight';
import { checkCount, type LoaderOptions } from './common';
import { readIdx } from './idx';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
/** Training-set pixel statistics (on [0,1] values). */
export const FASHION_MNIST_MEAN = [0.286];
export const FASHION_MNIST_STD = [0.353];
/** Where Debian's dataset-fashion-mnist package puts the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Published split sizes (Xiao et al. 2017). */
export const FASHION_MNIST_COUNTS = { train: 60000, test: 10000 } as const;

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

function findFile(dir: string, base: string): string {
  for (const name of [`${base}.gz`, base]) {
    const f = path.join(dir, name);
    if (fs.existsSync(f)) return f;
  }
  throw new Error(
    `Fashion-MNIST file ${base}(.gz) not found in ${dir}. Install Debian's dataset-fashion-mnist ` +
      `(apt-get install dataset-fashion-mnist), run data-scripts/download-fashion-mnist.sh, or pass the directory that holds the idx files.`,
  );
}

/** The directory to read from: the one given, else env FASHION_MNIST_DIR, else Debian's. */
export function fashionMnistDir(dir?: string): string {
  const d = dir ?? pathSetting(process.env.FASHION_MNIST_DIR, 'FASHION_MNIST_DIR') ?? DEBIAN_FASHION_MNIST_DIR;
  if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) {
    throw new Error(
      `Fashion-MNIST directory ${d} does not exist. Install Debian's dataset-fashion-mnist, ` +
        'run data-scripts/download-fashion-mnist.sh, or set FASHION_MNIST_DIR.',
    );
  }
  return d;
}

/**
 * Loads one split of Fashion-MNIST from its idx(.gz) files: [n, 28, 28, 1], normalised. The image
 * count must be the published one unless `opts.expectCount` says otherwise (see LoaderOptions).
 */
export function loadFashionMnist(split: 'train' | 'test', dir?: string, opts: Pick<LoaderOptions, 'expectCount'> = {}): Dataset {
  const d = fashionMnistDir(dir);
  const [imgName, lblName] = FILES[split];
  const imgFile = findFile(d, imgName);
  const lblFile = findFile(d, lblName);
  const img = readIdx(imgFile);
  const lbl = readIdx(lblFile);
  if (img.dims.length !== 3) throw new Error(`${imgFile}: expected 3 dimensions [n, 28, 28], got [${img.dims.join(', ')}].`);
  if (lbl.dims.length !== 1) throw new Error(`${lblFile}: expected 1 dimension [n], got [${lbl.dims.join(', ')}].`);
  const [n, h, w] = img.dims;
  if (lbl.dims[0] !== n) throw new Error(`${imgFile} holds ${n} images but ${lblFile} holds ${lbl.dims[0]} labels.`);
  checkCount('fashion-mnist', split, n, FASHION_MNIST_COUNTS[split], opts.expectCount, imgFile, 'download-fashion-mnist.sh');
  const pixels = new Float32Array(n * h * w);
  for (let i = 0; i < pixels.length; i++) pixels[i] = img.data[i] / 255;
  normaliseInPlace(pixels, FASHION_MNIST_MEAN, FASHION_MNIST_STD);
  return makeDataset({
    name: 'fashion-mnist',
    split,
    images: pixels,
    labels: Int32Array.from(lbl.data),
    ids: Int32Array.from({ length: n }, (_, i) => i),
    shape: [h, w, 1],
    classNames: FASHION_MNIST_CLASSES,
    mean: FASHION_MNIST_MEAN,
    std: FASHION_MNIST_STD,
  });
}

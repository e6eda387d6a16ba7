import type { Dataset } from '../dataset';
import { cifar10Dir, CIFAR10_SPLITS, loadCifar10 } from './cifar10';
import { cinic10Dir, CINIC10_SPLITS, loadCinic10, type Cinic10Options } from './cinic10';
import type { LoaderOptions } from './common';
import { fashionMnistDir, loadFashionMnist } from './fashion-mnist';
import { loadSvhn, svhnDir, SVHN_SPLITS } from './svhn';
import { loadUtkface, utkfaceDir, UTKFACE_SPLITS, type UtkfaceOptions } from './utkface';
import { loadVggface2, vggface2Dir, VGGFACE2_SPLITS, type Vggface2Options } from './vggface2';

/** Options of each dataset's loader. */
export interface DatasetOptions {
  'fashion-mnist': Pick<LoaderOptions, 'dir' | 'expectCount'>;
  cifar10: LoaderOptions;
  svhn: LoaderOptions;
  cinic10: Cinic10Options;
  utkface: UtkfaceOptions;
  vggface2: Vggface2Options;
}
export type DatasetName = keyof DatasetOptions;
/** Any loader's options (for callers that pick the dataset at run time, e.g. the CLI). */
export type AnyDatasetOptions = Cinic10Options & UtkfaceOptions & Vggface2Options;

interface Entry {
  splits: readonly string[];
  load: (split: string, opts: AnyDatasetOptions) => Dataset;
  /** The folder the loader reads (throws naming the fix when it is missing): a check before any work. */
  dir: (dir?: string) => string;
}

const REGISTRY: Record<DatasetName, Entry> = {
  'fashion-mnist': {
    splits: ['train', 'test'],
    load: (split, opts) => {
      if (split !== 'train' && split !== 'test') throw new Error(`fashion-mnist: unknown split '${split}'. Use one of: train, test.`);
      return loadFashionMnist(split, opts.dir, opts);
    },
    dir: fashionMnistDir,
  },
  cifar10: { splits: CIFAR10_SPLITS, load: loadCifar10, dir: cifar10Dir },
  svhn: { splits: SVHN_SPLITS, load: loadSvhn, dir: svhnDir },
  cinic10: { splits: CINIC10_SPLITS, load: loadCinic10, dir: cinic10Dir },
  utkface: { splits: UTKFACE_SPLITS, load: loadUtkface, dir: utkfaceDir },
  vggface2: { splits: VGGFACE2_SPLITS, load: loadVggface2, dir: vggface2Dir },
};

/** Names accepted by loadDataset. */
export function datasetNames(): DatasetName[] {
  return Object.keys(REGISTRY) as DatasetName[];
}

function entry(name: string): Entry {
  if (!Object.prototype.hasOwnProperty.call(REGISTRY, name)) {
    throw new Error(`Unknown dataset '${name}'. Known datasets: ${datasetNames().join(', ')}.`);
  }
  return REGISTRY[name as DatasetName];
}

/** The split names a dataset has. */
export function datasetSplits(name: string): string[] {
  return [...entry(name).splits];
}

/** Loads a split of a dataset by name; options go to that dataset's loader (see DatasetOptions). */
export function loadDataset<N extends DatasetName>(name: N, split: string, opts?: DatasetOptions[N]): Dataset;
export function loadDataset(name: string, split: string, opts?: AnyDatasetOptions): Dataset;
export function loadDataset(name: string, split: string, opts: AnyDatasetOptions = {}): Dataset {
  const e = entry(name);
  if (!e.splits.includes(split)) throw new Error(`${name}: unknown split '${split}'. Use one of: ${e.splits.join(', ')}.`);
  return e.load(split, opts);
}

/** The folder a dataset's loader reads, checked to hold its files (the error names the download script). */
export function datasetDir(name: string, dir?: string): string {
  return entry(name).dir(dir);
}

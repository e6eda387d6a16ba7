import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { datasetDir, datasetNames, datasetSplits, loadDataset } from '../../lib/data';
import { tempDir, writeCifar10, writeCinic10, writeSvhn, writeUtkface, writeVggface2 } from '../fixtures/make-fixtures';

describe('loadDataset registry', () => {
  it('lists all six datasets and their splits', () => {
    expect(datasetNames()).toEqual(['fashion-mnist', 'cifar10', 'svhn', 'cinic10', 'utkface', 'vggface2']);
    expect(datasetSplits('cinic10')).toEqual(['train', 'valid', 'test']);
    expect(datasetSplits('utkface')).toEqual(['train', 'val', 'test', 'all']);
  });

  it('dispatches to every loader with its options', () => {
    const root = tempDir('registry');
    const dirs = Object.fromEntries(['cifar10', 'svhn', 'cinic10', 'utkface', 'vggface2'].map((n) => [n, path.join(root, n)]));
    Object.values(dirs).forEach((d) => fs.mkdirSync(d));
    writeCifar10(dirs.cifar10, { perBatch: 1, test: 2 });
    writeSvhn(dirs.svhn, 'test', 3);
    writeCinic10(dirs.cinic10, 1);
    writeUtkface(dirs.utkface, 4);
    writeVggface2(dirs.vggface2, 3, 3);
    expect(loadDataset('cifar10', 'test', { dir: dirs.cifar10, expectCount: 2 }).labels.length).toBe(2);
    expect(loadDataset('svhn', 'test', { dir: dirs.svhn, expectCount: 3 }).labels.length).toBe(3);
    expect(loadDataset('cinic10', 'valid', { dir: dirs.cinic10, maxPerClass: 1, expectCount: 10 }).labels.length).toBe(10);
    expect(loadDataset('utkface', 'all', { dir: dirs.utkface, size: 8, expectCount: 4 }).shape).toEqual([8, 8, 3]);
    expect(loadDataset('vggface2', 'test', { dir: dirs.vggface2, identities: 2, size: 8 }).classNames).toHaveLength(2);
    expect(loadDataset('fashion-mnist', 'test').labels.length).toBe(10000);
    // Default directories: <UNLEARN_DATA_HOME>/<name>.
    process.env.UNLEARN_DATA_HOME = root;
    try {
      expect(loadDataset('svhn', 'test', { expectCount: 3 }).name).toBe('svhn');
    } finally {
      delete process.env.UNLEARN_DATA_HOME;
    }
  });

  it('checks each split against its published image count unless told otherwise (issue 22: a half-unpacked copy loads smaller)', () => {
    const root = tempDir('registry-count');
    writeCifar10(root, { perBatch: 1, test: 2 });
    expect(() => loadDataset('cifar10', 'test', { dir: root })).toThrow(
      /cifar10 test: .*test_batch.bin\) holds 2 images, expected 10000 \(the published size of the test split\)\..*re-run data-scripts\/download-cifar10.sh, or, to load a subset on purpose, pass \{ expectCount: 2 \}/,
    );
    expect(() => loadDataset('cifar10', 'train', { dir: root, expectCount: 7 })).toThrow(/holds 5 images, expected 7 \(as expectCount asks\)/);
    expect(() => loadDataset('cifar10', 'train', { dir: root, expectCount: -1 })).toThrow('cifar10: expectCount must be an integer >= 0 or false, got -1.');
    expect(loadDataset('cifar10', 'train', { dir: root, expectCount: false }).labels.length).toBe(5);
  });

  it('datasetDir finds the folder a loader reads without loading it, or names the download script', () => {
    expect(datasetDir('fashion-mnist')).toBe('/usr/share/datasets/fashion-mnist');
    const root = tempDir('registry-dir');
    expect(() => datasetDir('svhn', root)).toThrow(/svhn: .* does not hold the SVHN cropped digits.*download-svhn.sh/);
    expect(() => datasetDir('mnist')).toThrow("Unknown dataset 'mnist'.");
  });

  it('an empty data variable is an error naming it, not the working directory', () => {
    for (const [name, dataset] of [['UNLEARN_DATA_HOME', 'svhn'], ['SVHN_DIR', 'svhn'], ['FASHION_MNIST_DIR', 'fashion-mnist']]) {
      process.env[name] = '';
      try {
        expect(() => datasetDir(dataset), name).toThrow(`${name} is empty. Give it a folder path, or leave it unset to use the default.`);
      } finally {
        delete process.env[name];
      }
    }
  });

  it('rejects unknown datasets and splits, listing the valid ones', () => {
    expect(() => loadDataset('mnist', 'train')).toThrow("Unknown dataset 'mnist'. Known datasets: fashion-mnist, cifar10, svhn, cinic10, utkface, vggface2.");
    expect(() => loadDataset('cifar10', 'valid')).toThrow("cifar10: unknown split 'valid'. Use one of: train, test.");
    expect(() => datasetSplits('imagenet')).toThrow(/Unknown dataset 'imagenet'/);
  });
});

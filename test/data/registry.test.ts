import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { datasetNames, datasetSplits, loadDataset } from '../../lib/data';
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
    expect(loadDataset('cifar10', 'test', { dir: dirs.cifar10 }).labels.length).toBe(2);
    expect(loadDataset('svhn', 'test', { dir: dirs.svhn }).labels.length).toBe(3);
    expect(loadDataset('cinic10', 'valid', { dir: dirs.cinic10, maxPerClass: 1 }).labels.length).toBe(10);
    expect(loadDataset('utkface', 'all', { dir: dirs.utkface, size: 8 }).shape).toEqual([8, 8, 3]);
    expect(loadDataset('vggface2', 'test', { dir: dirs.vggface2, identities: 2, size: 8 }).classNames).toHaveLength(2);
    expect(loadDataset('fashion-mnist', 'test').labels.length).toBe(10000);
    // Default directories: <UNLEARN_DATA_HOME>/<name>.
    process.env.UNLEARN_DATA_HOME = root;
    try {
      expect(loadDataset('svhn', 'test').name).toBe('svhn');
    } finally {
      delete process.env.UNLEARN_DATA_HOME;
    }
  });

  it('rejects unknown datasets and splits, listing the valid ones', () => {
    expect(() => loadDataset('mnist', 'train')).toThrow("Unknown dataset 'mnist'. Known datasets: fashion-mnist, cifar10, svhn, cinic10, utkface, vggface2.");
    expect(() => loadDataset('cifar10', 'valid')).toThrow("cifar10: unknown split 'valid'. Use one of: train, test.");
    expect(() => datasetSplits('imagenet')).toThrow(/Unknown dataset 'imagenet'/);
  });
});

import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, CIFAR10_MEAN, loadCifar10 } from '../../lib/data/loaders/cifar10';
import { loadSvhn, SVHN_MEAN } from '../../lib/data/loaders/svhn';
import { tempDir, writeCifar10, writeSvhn, type Expected } from '../fixtures/make-fixtures';
import { maxAbsDiff, rawPixels } from '../fixtures/pixels';
import type { Dataset } from '../../lib/data/dataset';

function expectExact(ds: Dataset, exp: Expected): void {
  expect(Array.from(ds.labels)).toEqual(exp.labels);
  expect(Array.from(ds.ids)).toEqual(exp.ids);
  exp.pixels.forEach((px, i) => expect(maxAbsDiff(rawPixels(ds, i), px)).toBeLessThan(1e-3));
}

describe('CIFAR-10 binary loader', () => {
  it('reads the five training batches and the test batch: pixels, labels, ids, classes', () => {
    const dir = tempDir('cifar');
    const exp = writeCifar10(dir, { perBatch: 2, test: 3 });
    const train = loadCifar10('train', { dir, expectCount: 10 });
    expect(train.shape).toEqual([32, 32, 3]);
    expect(train.labels.length).toBe(10);
    expect(train.classNames).toEqual(CIFAR10_CLASSES);
    expect(train.mean).toEqual(CIFAR10_MEAN);
    expectExact(train, exp.train);
    // The first pixel of the first image, normalised by hand.
    expect(train.images[0]).toBeCloseTo((exp.train.pixels[0][0] / 255 - 0.4914) / 0.2023, 5);
    expectExact(loadCifar10('test', { dir, expectCount: 3 }), exp.test);
  });

  it('finds the cifar-10-batches-bin folder the archive unpacks to, and takes CIFAR10_DIR', () => {
    const root = tempDir('cifar-root');
    const inner = path.join(root, 'cifar-10-batches-bin');
    fs.mkdirSync(inner);
    writeCifar10(inner, { perBatch: 1, test: 1 });
    expect(loadCifar10('test', { dir: root, expectCount: 1 }).labels.length).toBe(1);
    process.env.CIFAR10_DIR = root;
    try {
      expect(loadCifar10('train', { expectCount: 5 }).labels.length).toBe(5);
    } finally {
      delete process.env.CIFAR10_DIR;
    }
  });

  it('errors clearly on a wrong directory, a missing or truncated batch, a bad label, a bad split', () => {
    const dir = tempDir('cifar-bad');
    expect(() => loadCifar10('train', { dir: path.join(dir, 'nope') })).toThrow(/cifar10: directory .*nope does not exist. Expected the CIFAR-10 binary version .*download-cifar10.sh/);
    expect(() => loadCifar10('train', { dir })).toThrow(/does not hold the CIFAR-10 binary version/);
    writeCifar10(dir, { perBatch: 2, test: 2 });
    fs.rmSync(path.join(dir, 'data_batch_3.bin'));
    expect(() => loadCifar10('train', { dir, expectCount: false })).toThrow(/data_batch_3.bin is missing. Run data-scripts\/download-cifar10.sh/);
    const test = path.join(dir, 'test_batch.bin');
    const buf = fs.readFileSync(test);
    fs.writeFileSync(test, buf.subarray(0, buf.length - 100));
    expect(() => loadCifar10('test', { dir, expectCount: false })).toThrow(/test_batch.bin is truncated or corrupt: 6046 bytes is not a whole number of 3073-byte records/);
    buf[3073] = 12;
    fs.writeFileSync(test, buf);
    expect(() => loadCifar10('test', { dir, expectCount: false })).toThrow(/record 1 has label byte 12/);
    expect(() => loadCifar10('valid', { dir })).toThrow(/unknown split 'valid'. Use one of: train, test/);
  });
});

describe('SVHN .mat loader', () => {
  for (const compressed of [true, false]) {
    it(`reads X (32x32x3xN column-major) and y (10 -> 0) from a ${compressed ? 'compressed' : 'plain'} v5 file`, () => {
      const dir = tempDir('svhn');
      const exp = writeSvhn(dir, 'train', 12, { compressed });
      const ds = loadSvhn('train', { dir, expectCount: 12 });
      expect(ds.shape).toEqual([32, 32, 3]);
      expect(ds.mean).toEqual(SVHN_MEAN);
      expect(Array.from(ds.labels.subarray(0, 3))).toEqual([0, 1, 2]);
      expectExact(ds, exp);
    });
  }

  it('reads double-typed labels, big-endian files, the test split and the CIFAR-10 statistics DC_U uses', () => {
    const dir = tempDir('svhn2');
    const exp = writeSvhn(dir, 'test', 11, { compressed: true, bigEndian: true, labelType: 'double' });
    const ds = loadSvhn('test', { dir, expectCount: 11, mean: CIFAR10_MEAN, std: [0.2023, 0.1994, 0.201] });
    expectExact(ds, exp);
    expect(ds.mean).toEqual(CIFAR10_MEAN);
  });

  it('errors clearly on a missing split file, a truncated file, bad labels, a wrong directory', () => {
    const dir = tempDir('svhn-bad');
    expect(() => loadSvhn('train', { dir })).toThrow(/svhn: .* does not hold the SVHN cropped digits \(train_32x32.mat, test_32x32.mat.*download-svhn.sh/);
    writeSvhn(dir, 'test', 4, { compressed: false });
    expect(() => loadSvhn('train', { dir })).toThrow(/train_32x32.mat is missing. Run data-scripts\/download-svhn.sh/);
    const f = path.join(dir, 'test_32x32.mat');
    const buf = fs.readFileSync(f);
    fs.writeFileSync(f, buf.subarray(0, 5000));
    expect(() => loadSvhn('test', { dir })).toThrow(/test_32x32.mat is truncated or corrupt/);
    writeSvhn(dir, 'test', 4, { compressed: true });
    const z = fs.readFileSync(f);
    fs.writeFileSync(f, z.subarray(0, z.length - 40));
    expect(() => loadSvhn('test', { dir })).toThrow(/test_32x32.mat/);
    expect(() => loadSvhn('train', { dir: path.join(dir, 'missing') })).toThrow(/svhn: directory .*missing does not exist/);
  });
});

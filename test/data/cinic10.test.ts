import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { CINIC10_CLASSES, loadCinic10 } from '../../lib/data/loaders/cinic10';
import { tempDir, writeCinic10 } from '../fixtures/make-fixtures';
import { maxAbsDiff, rawPixels } from '../fixtures/pixels';

describe('CINIC-10 PNG-tree loader', () => {
  it('reads every split exactly, converting grayscale and palette PNGs to RGB', () => {
    const dir = tempDir('cinic');
    const exp = writeCinic10(path.join(dir, 'CINIC-10'), 2);
    for (const split of ['train', 'valid', 'test'] as const) {
      const ds = loadCinic10(split, { dir, expectCount: 20 }); // finds the CINIC-10 sub-folder
      expect(ds.classNames).toEqual(CINIC10_CLASSES);
      expect(ds.labels.length).toBe(20);
      expect(Array.from(ds.labels)).toEqual(exp[split].labels);
      expect(Array.from(ds.ids)).toEqual(exp[split].ids);
      exp[split].pixels.forEach((px, i) => expect(maxAbsDiff(rawPixels(ds, i), px)).toBeLessThan(1e-3));
    }
    // The grayscale image (bird #0) has equal channels; the palette one (cat #0) does not.
    const train = loadCinic10('train', { dir, expectCount: 20 });
    const gray = rawPixels(train, 4);
    expect(gray[0]).toBeCloseTo(gray[1], 3);
    expect(gray[1]).toBeCloseTo(gray[2], 3);
  });

  it('maxPerClass keeps the first images of each class with their full-split ids', () => {
    const dir = tempDir('cinic-cap');
    writeCinic10(dir, 3);
    const ds = loadCinic10('test', { dir, maxPerClass: 1, expectCount: 30 });
    expect(Array.from(ds.ids)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
    expect(Array.from(ds.labels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => loadCinic10('test', { dir, maxPerClass: 0 })).toThrow(/maxPerClass must be a positive integer/);
  });

  it('errors clearly on empty or missing class folders, a bad image, a wrong directory', () => {
    const dir = tempDir('cinic-bad');
    writeCinic10(dir, 1);
    const frog = path.join(dir, 'valid', 'frog');
    for (const f of fs.readdirSync(frog)) fs.rmSync(path.join(frog, f));
    expect(() => loadCinic10('valid', { dir, expectCount: false })).toThrow(/class folder .*valid\/frog holds no .png images/);
    fs.rmSync(path.join(dir, 'test', 'ship'), { recursive: true });
    expect(() => loadCinic10('test', { dir, expectCount: false })).toThrow(/lacks the class folder\(s\) ship/);
    const dog = path.join(dir, 'train', 'dog');
    fs.writeFileSync(path.join(dog, fs.readdirSync(dog)[0]), Buffer.from('not a png'));
    expect(() => loadCinic10('train', { dir, expectCount: false })).toThrow(/is not a readable PNG/);
    expect(() => loadCinic10('train', { dir: tempDir('empty') })).toThrow(/does not hold the CINIC-10 folder tree .*download-cinic10.sh/);
  });
});

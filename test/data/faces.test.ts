import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { resizeBilinear, centerCropSquare } from '../../lib/data/loaders/images';
import { loadUtkface, parseUtkfaceName, utkfaceAgeClass, UTKFACE_GROUPINGS } from '../../lib/data/loaders/utkface';
import { loadVggface2, vggface2Identities } from '../../lib/data/loaders/vggface2';
import { tempDir, writeUtkface, writeVggface2 } from '../fixtures/make-fixtures';
import { meanAbsDiff, rawPixels } from '../fixtures/pixels';

describe('UTKFace loader', () => {
  it('parses [age]_[gender]_[race]_[date&time].jpg names and L2UL age groupings', () => {
    expect(parseUtkfaceName('26_1_2_20170116174525125.jpg.chip.jpg')).toEqual({ age: 26, gender: 1, race: 2, date: '20170116174525125' });
    expect(parseUtkfaceName('1_0_0_20161219140623097.jpg')).toEqual({ age: 1, gender: 0, race: 0, date: '20161219140623097' });
    expect(parseUtkfaceName('39_1_20170116174525125.jpg.chip.jpg')).toBeNull(); // a known malformed name
    const mfd = UTKFACE_GROUPINGS.MFD;
    expect([0, 19, 20, 40, 41, 116].map((a) => utkfaceAgeClass(a, mfd))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(() => utkfaceAgeClass(120, mfd)).toThrow(/age 120 is outside the bins/);
  });

  it('loads resized crops with age-group labels; train/val/test partition the files (80/10/10), seeded', () => {
    const dir = tempDir('utk');
    const fx = writeUtkface(dir, 20);
    // A folder that holds fewer files than the published set is an error unless the subset is asked for.
    expect(() => loadUtkface('all', { dir, size: 16 })).toThrow(/utkface all: .* holds 20 images, expected 23708 .*pass \{ expectCount: 20 \}/);
    const all = loadUtkface('all', { dir, size: 16, expectCount: 20 });
    expect(all.shape).toEqual([16, 16, 3]);
    expect(all.classNames).toEqual(['0-19', '20-40', '41-119']);
    expect(Array.from(all.ids)).toEqual(fx.files.map((_, i) => i));
    expect(Array.from(all.labels)).toEqual(fx.files.map((f) => utkfaceAgeClass(f.age!, UTKFACE_GROUPINGS.MFD)));
    // JPEG is lossy: compare with the resized original, mean error under 3 of 255.
    fx.files.forEach((f, i) => {
      const want = resizeBilinear(f.pixels, fx.size, fx.size, 3, 16, 16);
      expect(meanAbsDiff(rawPixels(all, i), want)).toBeLessThan(3);
    });
    const parts = (['train', 'val', 'test'] as const).map((s) => loadUtkface(s, { dir, size: 8, expectCount: false, seed: 3 }));
    expect(parts.map((p) => p.labels.length)).toEqual([16, 2, 2]);
    const ids = parts.flatMap((p) => Array.from(p.ids)).sort((a, b) => a - b);
    expect(ids).toEqual(fx.files.map((_, i) => i));
    expect(Array.from(loadUtkface('val', { dir, size: 8, expectCount: false, seed: 3 }).ids)).toEqual(Array.from(parts[1].ids));
    const other = loadUtkface('train', { dir, size: 8, expectCount: false, seed: 4 });
    expect(Array.from(other.ids)).not.toEqual(Array.from(parts[0].ids));
    expect(loadUtkface('all', { dir, size: 8, expectCount: false, grouping: 'balanced' }).classNames).toHaveLength(4);
  });

  it('lists malformed names, or skips them on request keeping the other ids', () => {
    const dir = tempDir('utk-bad');
    const fx = writeUtkface(dir, 6, ['39_1_20170116174525125.jpg.chip.jpg', 'face.jpg']);
    expect(() => loadUtkface('all', { dir, size: 8, expectCount: false })).toThrow(
      /2 file name\(s\) in .* do not follow \[age\]_\[gender\]_\[race\]_\[date&time\].jpg: 39_1_20170116174525125.jpg.chip.jpg, face.jpg. Pass \{ skipMalformed: true \}/,
    );
    const ds = loadUtkface('all', { dir, size: 8, expectCount: false, skipMalformed: true });
    expect(Array.from(ds.ids)).toEqual(fx.files.flatMap((f, i) => (f.age === null ? [] : [i])));
    expect(() => loadUtkface('all', { dir, size: 8, expectCount: false, skipMalformed: true, grouping: 'nope' })).toThrow(/unknown age grouping 'nope'/);
    expect(() => loadUtkface('all', { dir: tempDir('utk-empty') })).toThrow(/does not hold UTKFace face crops .*download-utkface.sh/);
    fs.writeFileSync(path.join(dir, '20_1_1_20170101000000000.jpg.chip.jpg'), Buffer.from('truncated'));
    expect(() => loadUtkface('all', { dir, size: 8, expectCount: false, skipMalformed: true })).toThrow(/20_1_1_20170101000000000.jpg.chip.jpg is not a readable JPEG/);
  });
});

describe('VGGFace2 loader', () => {
  it('draws a seeded subset of identities and splits each identity into train/test', () => {
    const dir = tempDir('vgg');
    const fx = writeVggface2(dir, 5, 5);
    const ids = vggface2Identities({ dir, identities: 3, seed: 1 });
    expect(ids).toHaveLength(3);
    expect(vggface2Identities({ dir, identities: 3, seed: 1 })).toEqual(ids);
    const train = loadVggface2('train', { dir, identities: 3, seed: 1, size: 12 });
    const test = loadVggface2('test', { dir, identities: 3, seed: 1, size: 12 });
    expect(train.classNames).toEqual(ids);
    expect(train.shape).toEqual([12, 12, 3]);
    expect(train.labels.length).toBe(12); // 4 of 5 per identity
    expect(test.labels.length).toBe(3);
    const union = [...Array.from(train.ids), ...Array.from(test.ids)].sort((a, b) => a - b);
    expect(union).toEqual(Array.from({ length: 15 }, (_, i) => i));
    // Pixels: centre square crop, then resize; JPEG is lossy.
    for (let i = 0; i < test.labels.length; i++) {
      const identity = ids[test.labels[i]];
      const img = fx.identities.get(identity)![test.ids[i] - 5 * test.labels[i]];
      const sq = centerCropSquare({ width: fx.width, height: fx.height, data: img.pixels });
      expect(meanAbsDiff(rawPixels(test, i), resizeBilinear(sq.data, sq.height, sq.width, 3, 12, 12))).toBeLessThan(3);
    }
    const list = loadVggface2('test', { dir, identityList: ['n000005', 'n000002'], size: 8 });
    expect(list.classNames).toEqual(['n000002', 'n000005']);
  });

  it('errors clearly on bad counts, unknown identities, too few images, a wrong directory', () => {
    const dir = tempDir('vgg-bad');
    writeVggface2(dir, 3, 3);
    expect(() => loadVggface2('train', { dir, identities: 4 })).toThrow(/identities must be an integer in 2..3/);
    expect(() => loadVggface2('train', { dir, identityList: ['n999999'] })).toThrow(/identity folder\(s\) n999999 not found/);
    fs.mkdirSync(path.join(dir, 'n000100'));
    expect(() => loadVggface2('train', { dir, identityList: ['n000100', 'n000002'], size: 8 })).toThrow(/n000100 holds 0 .jpg image\(s\)/);
    expect(() => loadVggface2('train', { dir, testFraction: 1 })).toThrow(/testFraction must be in \(0, 1\)/);
    expect(() => loadVggface2('train', { dir: tempDir('vgg-empty') })).toThrow(/does not hold VGGFace2 identity folders .*download-vggface2.sh/);
  });
});

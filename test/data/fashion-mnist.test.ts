import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { describe, expect, it } from 'vitest';
import { classHistogram } from '../../lib/data/dataset';
import { loadFashionMnist } from '../../lib/data/loaders/fashion-mnist';

describe('Fashion-MNIST loader', () => {
  it('reads the real Debian files: 60000/10000 images, 6000/1000 per class', () => {
    const train = loadFashionMnist('train');
    const test = loadFashionMnist('test');
    expect(train.labels.length).toBe(60000);
    expect(test.labels.length).toBe(10000);
    expect(train.shape).toEqual([28, 28, 1]);
    expect(classHistogram(train)).toEqual(new Array(10).fill(6000));
    expect(classHistogram(test)).toEqual(new Array(10).fill(1000));
    expect(Array.from(train.ids.subarray(0, 3))).toEqual([0, 1, 2]);
    // Normalised with the training statistics: mean about 0, std about 1.
    let s = 0;
    let s2 = 0;
    for (const v of train.images) {
      s += v;
      s2 += v * v;
    }
    const mean = s / train.images.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(Math.sqrt(s2 / train.images.length - mean * mean) - 1)).toBeLessThan(0.01);
  });

  function fixtureDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmnist-'));
    const header = (magic: number, dims: number[]) => {
      const b = Buffer.alloc(4 + 4 * dims.length);
      b.writeUInt32BE(magic, 0);
      dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
      return b;
    };
    const images = Buffer.concat([header(0x803, [3, 28, 28]), Buffer.alloc(3 * 784, 7)]);
    const labels = Buffer.concat([header(0x801, [3]), Buffer.from([0, 9, 4])]);
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'), zlib.gzipSync(images));
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), labels);
    return dir;
  }

  it('reads a directory the user names, gzipped or not', () => {
    const ds = loadFashionMnist('test', fixtureDir(), { expectCount: 3 });
    expect(Array.from(ds.labels)).toEqual([0, 9, 4]);
    expect(ds.images[0]).toBeCloseTo((7 / 255 - 0.286) / 0.353, 5);
  });

  it('a copy with fewer images than the published split is an error naming the file, both counts and the fix', () => {
    expect(() => loadFashionMnist('test', fixtureDir())).toThrow(
      /fashion-mnist test: .*t10k-images-idx3-ubyte.gz holds 3 images, expected 10000 .*download-fashion-mnist.sh, or, to load a subset on purpose, pass \{ expectCount: 3 \}/,
    );
  });

  it('names the file and the fix for truncated, corrupt or missing files', () => {
    const dir = fixtureDir();
    const gz = fs.readFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'));
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'), gz.subarray(0, gz.length - 30));
    expect(() => loadFashionMnist('test', dir)).toThrow(/t10k-images-idx3-ubyte.gz is a corrupt or truncated gzip file/);
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'), zlib.gzipSync(Buffer.from([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2])));
    expect(() => loadFashionMnist('test', dir)).toThrow(/is truncated: its header promises 2352 bytes/);
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'), zlib.gzipSync(Buffer.from('not an idx file')));
    expect(() => loadFashionMnist('test', dir)).toThrow(/is not an IDX file/);
    expect(() => loadFashionMnist('train', dir)).toThrow(/train-images-idx3-ubyte\(\.gz\) not found in .*apt-get install dataset-fashion-mnist/);
    expect(() => loadFashionMnist('test', path.join(dir, 'nope'))).toThrow(/directory .*nope does not exist/);
  });
});

import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { describe, expect, it } from 'vitest';
import { DEBIAN_FASHION_MNIST_DIR } from '../../lib/data/loaders/fashion-mnist';
import { tempDir } from '../fixtures/make-fixtures';

// Issue 22 finding 6: a half-unpacked archive was accepted; the scripts now check the image count.
const scripts = path.resolve(__dirname, '..', '..', 'data-scripts');

describe('data scripts pin checksums and check image counts after unpacking', () => {
  it('download-utkface.sh rejects an archive with fewer than the published 23,708 images, naming both counts', () => {
    const src = tempDir('utk-src');
    fs.mkdirSync(path.join(src, 'UTKFace'));
    for (const n of ['1_0_0_1.jpg.chip.jpg', '2_1_1_2.jpg.chip.jpg']) fs.writeFileSync(path.join(src, 'UTKFace', n), 'jpeg');
    const archive = path.join(src, 'UTKFace.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', src, 'UTKFace']);
    const dest = tempDir('utk-dest');
    const r = spawnSync('bash', [path.join(scripts, 'download-utkface.sh'), archive, dest], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${dest}/UTKFace holds 2 JPEGs, expected 23708 (the published aligned & cropped set); the archive is incomplete or another one.`);
  });

  it('download-vggface2.sh rejects a tree that matches neither published split, unless a subset is asked for', () => {
    const src = tempDir('vgg-src');
    for (const id of ['n000002', 'n000003']) {
      fs.mkdirSync(path.join(src, 'train', id), { recursive: true });
      fs.writeFileSync(path.join(src, 'train', id, '0001_01.jpg'), 'jpeg');
    }
    const archive = path.join(src, 'vggface2_train.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', src, 'train']);
    const dest = tempDir('vgg-dest');
    const script = path.join(scripts, 'download-vggface2.sh');
    const r = spawnSync('bash', [script, archive, dest], { encoding: 'utf8', env: { ...process.env, VGGFACE2_ALLOW_SUBSET: '' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${dest} holds 2 identity folders, but the published train set has 8,631 and the test set 500`);
    const ok = spawnSync('bash', [script, archive, dest], { encoding: 'utf8', env: { ...process.env, VGGFACE2_ALLOW_SUBSET: '1' } });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('VGGFace2: 2 identity folders');
  });

  it("download-fashion-mnist.sh pins the authors' published MD5s, and SHA-256s of the idx data that match the installed copy", () => {
    const text = fs.readFileSync(path.join(scripts, 'download-fashion-mnist.sh'), 'utf8');
    // The MD5s of the .gz files in zalandoresearch/fashion-mnist's README.
    for (const md5 of ['8d4fb7e6c68d591d4c3dfef9ec88bf0d', '25c81989df183df01b3e8a0aad5dffbe', 'bef4ecab320f06d8554ea6380940ec79', 'bb300cfdad3c16e7a12a480ee83cd310']) {
      expect(text).toContain(md5);
    }
    const pinned = Object.fromEntries([...text.matchAll(/\[([a-z0-9-]+-ubyte)\]=([0-9a-f]{64})/g)].map((m) => [m[1], m[2]]));
    expect(Object.keys(pinned).sort()).toEqual(['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte']);
    for (const [name, sha] of Object.entries(pinned)) {
      const data = zlib.gunzipSync(fs.readFileSync(path.join(DEBIAN_FASHION_MNIST_DIR, `${name}.gz`)));
      expect(createHash('sha256').update(data).digest('hex'), name).toBe(sha);
    }
  });
});

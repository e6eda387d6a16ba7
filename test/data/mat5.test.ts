import { read as matForJsRead } from 'mat-for-js';
import { describe, expect, it } from 'vitest';
import { readMat5 } from '../../lib/data/loaders/mat5';
import { writeMat5, type MatVariable } from '../fixtures/mat5-writer';

const vars: MatVariable[] = [
  { name: 'X', type: 'uint8', dims: [2, 3, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) },
  { name: 'y', type: 'double', dims: [3, 1], data: [10, 1, 7] },
  { name: 'longname', type: 'uint8', dims: [1, 5], data: [1, 2, 3, 4, 5] },
  { name: 'M', type: 'uint8', dims: [2, 3], data: [1, 2, 3, 4, 5, 6] },
];

describe('MAT level-5 reader', () => {
  for (const compressed of [false, true]) {
    for (const bigEndian of [false, true]) {
      it(`reads what the fixture writer writes (compressed ${compressed}, big-endian ${bigEndian})`, () => {
        const m = readMat5(writeMat5(vars, { compressed, bigEndian }), 'f.mat');
        expect(m.get('X')!.dims).toEqual([2, 3, 2]);
        expect(m.get('X')!.mxClass).toBe(9);
        expect(Array.from(m.get('X')!.data)).toEqual(Array.from(vars[0].data));
        expect(m.get('y')!.mxClass).toBe(6);
        expect(Array.from(m.get('y')!.data)).toEqual([10, 1, 7]);
        expect(Array.from(m.get('longname')!.data)).toEqual([1, 2, 3, 4, 5]);
      });
    }
  }

  it('agrees with the independent mat-for-js reader on the fixture files (checks the writer)', () => {
    for (const compressed of [false, true]) {
      const buf = writeMat5(vars, { compressed });
      const ref = matForJsRead(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer).data;
      // mat-for-js nests column-major data as M[i][j] = data[i + 2 j]. (Its 3-D+ indexing is wrong:
      // it multiplies each index by the previous dimension only, not the product of all previous ones.)
      expect(ref.M).toEqual([
        [1, 3, 5],
        [2, 4, 6],
      ]);
      expect(ref.X).toBeDefined();
      expect(ref.y).toEqual([10, 1, 7]);
      expect(ref.longname).toEqual([1, 2, 3, 4, 5]);
    }
  });

  it('names the file and the fix for truncated, corrupt and foreign files', () => {
    const plain = writeMat5(vars, { compressed: false });
    expect(() => readMat5(plain.subarray(0, plain.length - 20), 'cut.mat')).toThrow(/cut.mat is truncated or corrupt.*download-svhn.sh/);
    const comp = writeMat5(vars, { compressed: true });
    expect(() => readMat5(comp.subarray(0, 200), 'cutz.mat')).toThrow(/cutz.mat/);
    const flipped = Buffer.from(comp);
    flipped.fill(0x55, 140, 170);
    expect(() => readMat5(flipped, 'bad.mat')).toThrow(/bad.mat: a compressed MAT element at byte 128 is corrupt/);
    expect(() => readMat5(Buffer.alloc(200, 65), 'text.mat')).toThrow(/text.mat is not a MATLAB level-5 MAT-file/);
    expect(() => readMat5(Buffer.alloc(10), 'tiny.mat')).toThrow(/too short/);
  });
});

import * as zlib from 'zlib';

/**
 * A minimal reader for numeric arrays in MATLAB level-5 MAT-files (the format of SVHN's
 * train_32x32.mat / test_32x32.mat), compressed (miCOMPRESSED) or not, either byte order.
 *
 * Why not the installed mat-for-js: it turns every array into nested JS arrays of numbers. On an
 * array the size of SVHN's training images (32x32x3x73257 = 225M values) it aborts with V8's
 * "invalid size error" (measured on this machine; 20k images already took 10 s and 1.5 GB). This
 * reader returns the stored bytes as typed arrays, zero-copy for 8-bit data.
 */
export interface MatArray {
  name: string;
  /** MATLAB class number (6 double, 7 single, 8 int8, 9 uint8, 10 int16, 11 uint16, 12 int32, 13 uint32). */
  mxClass: number;
  /** Dimensions as stored (column-major: the first index varies fastest). */
  dims: number[];
  /** The real part, in the stored element type (MATLAB may store e.g. a double array as uint8). */
  data: Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
}

const MI_INT8 = 1;
const MI_UINT8 = 2;
const MI_INT16 = 3;
const MI_UINT16 = 4;
const MI_INT32 = 5;
const MI_UINT32 = 6;
const MI_SINGLE = 7;
const MI_DOUBLE = 9;
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;

const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13]);

interface Element {
  type: number;
  /** Offset of the data (after the tag) and its byte length. */
  start: number;
  bytes: number;
  /** Offset of the next element. */
  next: number;
}

class MatReader {
  constructor(
    private readonly buf: Buffer,
    private readonly file: string,
    private readonly little: boolean,
  ) {}

  u32(at: number): number {
    return this.little ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }

  /** Reads the tag at `at` (normal 8-byte or small 4-byte form) inside [at, end). */
  element(at: number, end: number, padded: boolean): Element {
    if (at + 8 > end) throw this.truncated(at, 8, end);
    const first = this.u32(at);
    if (first >>> 16 !== 0) {
      // Small data element: 2-byte size, 2-byte type, up to 4 data bytes in the tag itself.
      const type = first & 0xffff;
      const bytes = first >>> 16;
      if (bytes > 4) throw new Error(`${this.file}: corrupt MAT element at byte ${at} (small element of ${bytes} bytes). Re-download the file.`);
      return { type, start: at + 4, bytes, next: at + 8 };
    }
    const bytes = this.u32(at + 4);
    const start = at + 8;
    if (start + bytes > end) throw this.truncated(at, bytes, end - start);
    const next = padded ? start + Math.ceil(bytes / 8) * 8 : start + bytes;
    return { type: first, start, bytes, next: Math.min(next, end) };
  }

  truncated(at: number, want: number, have: number): Error {
    return new Error(
      `${this.file} is truncated or corrupt: the MAT element at byte ${at} declares ${want} bytes but only ${Math.max(have, 0)} remain. ` +
        'Re-download it (data-scripts/download-svhn.sh).',
    );
  }

  numbers(el: Element): MatArray['data'] {
    const { start, bytes } = el;
    const view = (size: number, read: (o: number) => number, make: (n: number) => MatArray['data']) => {
      const n = Math.floor(bytes / size);
      const out = make(n);
      for (let i = 0; i < n; i++) out[i] = read(start + i * size);
      return out;
    };
    const b = this.buf;
    const le = this.little;
    switch (el.type) {
      case MI_UINT8:
        return new Uint8Array(b.buffer, b.byteOffset + start, bytes);
      case MI_INT8:
        return new Int8Array(b.buffer, b.byteOffset + start, bytes);
      case MI_INT16:
        return view(2, (o) => (le ? b.readInt16LE(o) : b.readInt16BE(o)), (n) => new Int16Array(n));
      case MI_UINT16:
        return view(2, (o) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o)), (n) => new Uint16Array(n));
      case MI_INT32:
        return view(4, (o) => (le ? b.readInt32LE(o) : b.readInt32BE(o)), (n) => new Int32Array(n));
      case MI_UINT32:
        return view(4, (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o)), (n) => new Uint32Array(n));
      case MI_SINGLE:
        return view(4, (o) => (le ? b.readFloatLE(o) : b.readFloatBE(o)), (n) => new Float32Array(n));
      case MI_DOUBLE:
        return view(8, (o) => (le ? b.readDoubleLE(o) : b.readDoubleBE(o)), (n) => new Float64Array(n));
      default:
        throw new Error(`${this.file}: unsupported MAT data type ${el.type} at byte ${el.start - 8}.`);
    }
  }

  /** Parses a miMATRIX body; returns null for arrays that are not plain real numeric arrays. */
  matrix(el: Element): MatArray | null {
    const end = el.start + el.bytes;
    const flags = this.element(el.start, end, true);
    const flagWord = this.u32(flags.start);
    const mxClass = flagWord & 0xff;
    const complex = (flagWord & 0x0800) !== 0;
    const dimsEl = this.element(flags.next, end, true);
    const dims = Array.from(this.numbers(dimsEl));
    const nameEl = this.element(dimsEl.next, end, true);
    const name = this.buf.toString('latin1', nameEl.start, nameEl.start + nameEl.bytes);
    if (!NUMERIC_CLASSES.has(mxClass) || complex) return null;
    const real = this.element(nameEl.next, end, true);
    const data = this.numbers(real);
    const count = dims.reduce((a, d) => a * d, 1);
    if (data.length !== count) {
      throw new Error(`${this.file}: array '${name}' has dims [${dims.join('x')}] (${count} values) but stores ${data.length}. Re-download the file.`);
    }
    return { name, mxClass, dims, data };
  }
}

/** Reads every real numeric array of a level-5 MAT-file; others (cells, structs, chars) are skipped. */
export function readMat5(buf: Buffer, file: string): Map<string, MatArray> {
  if (buf.length < 128) {
    throw new Error(`${file} is too short (${buf.length} bytes) to be a MAT-file. Re-download it (data-scripts/download-svhn.sh).`);
  }
  const text = buf.toString('latin1', 0, 116);
  const endian = buf.toString('latin1', 126, 128);
  if (text.startsWith('\x89HDF') || buf.toString('latin1', 512, 516) === '\x89HDF') {
    throw new Error(`${file} is a MATLAB v7.3 (HDF5) file; only level-5 MAT-files are supported. Save it with -v7 or re-download the original.`);
  }
  if (!text.startsWith('MATLAB 5.0 MAT-file') || (endian !== 'IM' && endian !== 'MI')) {
    throw new Error(`${file} is not a MATLAB level-5 MAT-file (bad header). Re-download it (data-scripts/download-svhn.sh).`);
  }
  const outer = new MatReader(buf, file, endian === 'IM');
  const out = new Map<string, MatArray>();
  let at = 128;
  while (at < buf.length) {
    if (buf.length - at < 8) break; // trailing padding
    const el = outer.element(at, buf.length, true);
    if (el.type === MI_COMPRESSED) {
      let inner: Buffer;
      try {
        inner = zlib.inflateSync(buf.subarray(el.start, el.start + el.bytes));
      } catch (e) {
        throw new Error(`${file}: a compressed MAT element at byte ${at} is corrupt or truncated (${(e as Error).message}). Re-download it (data-scripts/download-svhn.sh).`);
      }
      const r = new MatReader(inner, file, endian === 'IM');
      const innerEl = r.element(0, inner.length, true);
      if (innerEl.type === MI_MATRIX) {
        const m = r.matrix(innerEl);
        if (m) out.set(m.name, m);
      }
      at = el.start + el.bytes; // compressed elements carry no padding
    } else {
      if (el.type === MI_MATRIX) {
        const m = outer.matrix(el);
        if (m) out.set(m.name, m);
      }
      at = el.next;
    }
  }
  return out;
}

import * as fs from 'fs';
import * as zlib from 'zlib';

/**
 * The IDX format of MNIST / Fashion-MNIST: big-endian magic (0x0000 | type 0x08 = ubyte | ndims),
 * then one uint32 per dimension, then the data. Files may be gzip-compressed (.gz).
 */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function readIdx(file: string): IdxArray {
  if (!fs.existsSync(file)) throw new Error(`IDX file not found: ${file}`);
  let buf = fs.readFileSync(file);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (e) {
      throw new Error(`${file} is a corrupt or truncated gzip file (${(e as Error).message}). Re-download it (data-scripts/).`);
    }
  }
  return parseIdx(buf, file);
}

export function parseIdx(buf: Buffer, file: string): IdxArray {
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new Error(`${file} is not an IDX file (bad magic number). Expected e.g. train-images-idx3-ubyte.gz.`);
  }
  if (buf[2] !== 0x08) throw new Error(`${file}: IDX element type 0x${buf[2].toString(16)} is not unsigned byte (0x08).`);
  const ndims = buf[3];
  const header = 4 + 4 * ndims;
  if (buf.length < header) throw new Error(`${file} is truncated: the header needs ${header} bytes, the file has ${buf.length}.`);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length !== header + count) {
    throw new Error(
      `${file} is ${buf.length < header + count ? 'truncated' : 'too long'}: its header promises ${count} bytes of data ` +
        `([${dims.join(' x ')}]), the file holds ${buf.length - header}. Re-download it (data-scripts/).`,
    );
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + header, count) };
}

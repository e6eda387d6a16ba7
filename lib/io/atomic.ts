import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes a file atomically: the data goes to a temp file in the same folder (creating the folder),
 * is flushed to disk (fsync), then renamed over `file`, so a crash or a concurrent reader never sees
 * a half-written file under the real name. `data` may be a list of chunks (e.g. a header and weight
 * buffers), written in order without concatenating them first.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = fs.openSync(tmp, 'wx');
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    else for (const chunk of data) fs.writeSync(fd, chunk);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd != null) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

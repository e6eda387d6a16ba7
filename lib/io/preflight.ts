import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Free space a run's output or cache folder must have before any compute starts. */
export const MIN_FREE_BYTES = 256 * 1024 * 1024;

/**
 * A path setting (a flag or an environment variable) as given: undefined stays undefined (the caller
 * uses its default), an empty or blank value is an error naming the setting, since it would
 * otherwise mean the current directory.
 */
export function pathSetting(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new Error(`${name} is empty. Give it a folder path, or leave it unset to use the default.`);
  return value;
}

/**
 * Checks that `dir` can be written before any compute: creates it (and its parents), creates and
 * removes a probe file in it, and checks that its file system has at least `minFreeBytes` free.
 * `what` names the folder and `fix` says how to choose another (e.g. "pass another --out").
 */
export function checkWritableDir(dir: string, what: string, fix: string, minFreeBytes = MIN_FREE_BYTES): void {
  const probe = path.join(dir, `.unlearn-lab-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new Error(`${what} ${dir} is a file, not a folder. ${fix}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.closeSync(fs.openSync(probe, 'wx'));
    fs.rmSync(probe);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`${what} ${dir} is not writable (${err.code ?? 'error'}: ${err.message}). ${fix}`);
  }
  const s = fs.statfsSync(dir);
  const free = s.bavail * s.bsize;
  if (free < minFreeBytes) {
    const mb = (b: number) => `${Math.floor(b / 2 ** 20)} MiB`;
    throw new Error(`${what} ${dir} has ${mb(free)} free; a run needs at least ${mb(minFreeBytes)}. Free some space, or ${fix.charAt(0).toLowerCase()}${fix.slice(1)}`);
  }
}

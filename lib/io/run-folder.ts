import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { removeOnExit } from './cleanup';

/**
 * A results folder written as one unit. A run writes into a fresh temp folder beside the target
 * (`.<name>.tmp-*`) and `commit()` swaps it in with renames, so the target always holds one whole
 * run: the previous one until the swap, the new one after it. A lock file beside the target
 * (`<name>.lock`, holding the writer's pid) keeps two runs from writing the same folder. The temp
 * folder and the lock are removed on exit, on an error and on SIGINT/SIGTERM; after a SIGKILL the
 * next run finds the lock of a dead pid and takes it over.
 */
export interface RunFolder {
  /** The folder the results end up in. */
  readonly target: string;
  /** The temp folder to write into until commit(). */
  readonly dir: string;
  /** Swaps the written temp folder in as the target (the previous target is removed) and unlocks. */
  commit(): void;
  /** Drops the temp folder and unlocks; the target keeps the previous run. */
  abort(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A new folder `.<name>.<kind>-<pid>-<random>` beside the target. Made with mkdir (not mkdtemp, whose
 * 0700 mode would end up on the results folder): it gets the usual permissions under the umask.
 */
function siblingFolder(parent: string, name: string, kind: 'tmp' | 'old'): string {
  const dir = path.join(parent, `.${name}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(dir);
  return dir;
}

/** A lock file still being written (opened, pid not yet in it) is held for this long. */
const FRESH_LOCK_MS = 10_000;

function acquireLock(lock: string, target: string, log: (line: string) => void): void {
  for (;;) {
    try {
      const fd = fs.openSync(lock, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let text: string;
    let age: number;
    try {
      text = fs.readFileSync(lock, 'utf8').trim();
      age = Date.now() - fs.statSync(lock).mtimeMs;
    } catch {
      continue; // removed meanwhile: try again
    }
    const pid = Number(text);
    const held = Number.isInteger(pid) && pid > 0 ? isAlive(pid) : age < FRESH_LOCK_MS;
    if (held) {
      throw new Error(
        `${target} is being written by process ${Number.isInteger(pid) && pid > 0 ? pid : '(unknown)'} (lock file ${lock}). ` +
          'Wait for that run to finish, or write to another folder (--out).',
      );
    }
    log(`Taking over the stale lock ${lock}: process ${text || '(none)'} that held it is no longer running.`);
    fs.rmSync(lock, { force: true });
  }
}

/**
 * Clears what a killed run (SIGKILL, power loss) left beside the target: its temp folders, and a
 * previous run set aside by a swap that did not finish (put back when the target is missing).
 * Runs under the lock, so no live writer owns them.
 */
function recoverLeftovers(parent: string, name: string, abs: string, log: (line: string) => void): void {
  for (const entry of fs.readdirSync(parent)) {
    const full = path.join(parent, entry);
    if (entry.startsWith(`.${name}.old-`) && !fs.existsSync(abs) && fs.existsSync(path.join(full, name))) {
      fs.renameSync(path.join(full, name), abs);
      log(`Restored ${abs} from ${full}: a run was stopped while swapping its results in.`);
    }
    if (entry.startsWith(`.${name}.old-`) || entry.startsWith(`.${name}.tmp-`)) fs.rmSync(full, { recursive: true, force: true });
  }
}

/** Opens `target` for one run: takes its lock and creates the temp folder to write into. */
export function openRunFolder(target: string, opts: { log?: (line: string) => void } = {}): RunFolder {
  const log = opts.log ?? ((line: string) => console.warn(line));
  const abs = path.resolve(target);
  const parent = path.dirname(abs);
  const name = path.basename(abs);
  fs.mkdirSync(parent, { recursive: true });
  const lock = `${abs}.lock`;
  acquireLock(lock, abs, log);
  const keepLock = removeOnExit(lock);
  let dir: string;
  try {
    recoverLeftovers(parent, name, abs, log);
    dir = siblingFolder(parent, name, 'tmp');
  } catch (e) {
    fs.rmSync(lock, { force: true });
    keepLock();
    throw e;
  }
  const keepDir = removeOnExit(dir);
  let open = true;
  const close = () => {
    open = false;
    fs.rmSync(lock, { force: true });
    keepLock();
  };
  return {
    target: abs,
    dir,
    commit() {
      if (!open) throw new Error(`RunFolder ${abs}: already committed or aborted.`);
      const old = fs.existsSync(abs) ? siblingFolder(parent, name, 'old') : null;
      if (old) fs.renameSync(abs, path.join(old, name));
      fs.renameSync(dir, abs);
      keepDir();
      if (old) fs.rmSync(old, { recursive: true, force: true });
      close();
    },
    abort() {
      if (!open) return;
      fs.rmSync(dir, { recursive: true, force: true });
      keepDir();
      close();
    },
  };
}

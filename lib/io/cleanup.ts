import * as fs from 'fs';

/**
 * Paths removed when the process ends: on a normal exit, on an uncaught error, and on SIGINT/SIGTERM
 * (Ctrl-C or a kill), so temp folders and lock files do not outlive their run. SIGKILL cannot be
 * caught: what it leaves behind is named so that the next run can recognise it (see run-folder.ts).
 */
const pending = new Set<string>();
let installed = false;

/**
 * Removes a temporary file or folder. Removal retries for a second (a child process that has just
 * exited, such as Chromium's helpers, can still be writing into it: rmdir fails with ENOTEMPTY), and a
 * path it still cannot remove is reported on stderr, never thrown: a leftover temp folder must not fail
 * the run that used it.
 */
export function removeTemp(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (e) {
    process.stderr.write(`unlearn-lab: could not remove the temporary ${p} (${(e as Error).message}); delete it by hand.\n`);
  }
}

function removeAll(): void {
  for (const p of pending) removeTemp(p);
  pending.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  // The default action of the signal (exit with 128 + its number), now that the files are gone.
  process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', removeAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstall(): void {
  if (!installed || pending.size > 0) return;
  installed = false;
  process.off('exit', removeAll);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/**
 * Removes `p` (a file or folder) when the process exits or is interrupted, unless the returned
 * function is called first (the path was kept, e.g. renamed into place, or removed by its owner).
 * The signal handlers are installed only while something is pending.
 */
export function removeOnExit(p: string): () => void {
  pending.add(p);
  install();
  return () => {
    pending.delete(p);
    uninstall();
  };
}

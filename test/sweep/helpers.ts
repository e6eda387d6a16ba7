import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root and its built CLI (the sweep's workers run the build; `npm test` builds it first). */
export const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs the built CLI to its end (the model cache in `cache` when given). */
export function cli(args: string[], o: { env?: NodeJS.ProcessEnv; cache?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    timeout: o.timeoutMs ?? 600_000,
    env: { ...process.env, ...(o.cache ? { UNLEARN_CACHE: o.cache } : {}), ...o.env },
  });
}

/** Writes a spec file and returns its path. */
export function writeSpec(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A result with the fields that measure time or where a model came from removed: what two runs of one config share. */
export function withoutTimes(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v: unknown) => (/seconds|Seconds|^provenance$|^originalSource$|^finished$|^time$/.test(k) ? undefined : v)));
}

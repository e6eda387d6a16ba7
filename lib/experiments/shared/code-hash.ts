import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repositoryRoot } from './committed';

/**
 * A sha256 (12 hex digits) of the package version and of the sources (.ts or .js, not .d.ts) under
 * `folders` of `libRoot` (lib/ in the repository, dist/ in a built package), each with its path, in a
 * stable order. `leaveOut` names files (by their path under libRoot) whose edits cannot change what the
 * hash stands for. It keys the model cache (trainingCodeVersion) and sweep cells (resultCodeVersion).
 */
export function codeHash(libRoot: string, folders: readonly string[], version: string, leaveOut?: RegExp): string {
  const hash = createHash('sha256').update(`unlearn-lab ${version}\n`);
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      const rel = path.relative(libRoot, full);
      if (e.isDirectory()) walk(full);
      else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') && !(leaveOut?.test(rel) ?? false)) hash.update(`${rel}\n`).update(fs.readFileSync(full));
    }
  };
  for (const d of folders) walk(path.join(libRoot, d));
  return hash.digest('hex').slice(0, 12);
}

/** The version in the repository's package.json. */
export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(repositoryRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

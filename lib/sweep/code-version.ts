import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repositoryRoot } from '../experiments/shared/committed';

/**
 * The folders whose code determines a cell's numbers (relative to lib/, or dist/ in a built package):
 * everything from the data to the experiments' runners; not the plots, reports, CLI or the sweep itself.
 */
const RESULT_CODE = ['condense', 'data', 'engine', 'experiments', 'metrics', 'models', 'results', 'train', 'unlearn'];
let memo: string | null = null;

/** A file whose code cannot change a number: an experiment's views only render results (no runner imports them). */
const RENDER_ONLY = /(^|[\\/])views\.(ts|js)$/;

/**
 * A sha256 (12 hex digits) of the sources under `libRoot`'s RESULT_CODE folders (.ts or .js, not .d.ts),
 * leaving out RENDER_ONLY files, so that editing a table or figure keeps every cell and cached run valid.
 */
export function resultCodeHash(libRoot: string, version: string): string {
  const hash = createHash('sha256').update(`unlearn-lab ${version}\n`);
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      const rel = path.relative(libRoot, full);
      if (e.isDirectory()) walk(full);
      else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith('.d.ts') && !RENDER_ONLY.test(rel)) hash.update(`${rel}\n`).update(fs.readFileSync(full));
    }
  };
  for (const d of RESULT_CODE) walk(path.join(libRoot, d));
  return hash.digest('hex').slice(0, 12);
}

/**
 * The code version a cell's key holds: the package version and resultCodeHash of this build's sources
 * (the .ts files when run from lib/, the .js files of a build), so an edit that can change a number gives
 * every cell a new key and a rerun computes it afresh. A sweep's cells and the workers that run them must
 * therefore use the same build (the CLI: `npm run build`).
 */
export function resultCodeVersion(): string {
  if (memo != null) return memo;
  const version = (JSON.parse(fs.readFileSync(path.join(repositoryRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  memo = `${version}+${resultCodeHash(path.resolve(__dirname, '..'), version)}`;
  return memo;
}

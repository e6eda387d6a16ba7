import * as path from 'node:path';
import { codeHash, packageVersion } from '../experiments/shared/code-hash';

/**
 * The folders whose code determines a cell's numbers (relative to lib/, or dist/ in a built package):
 * everything from the data to the experiments' runners; not the plots, reports, CLI or the sweep itself.
 */
const RESULT_CODE = ['condense', 'data', 'engine', 'experiments', 'metrics', 'models', 'results', 'train', 'unlearn'];
let memo: string | null = null;

/** A file whose code cannot change a number: an experiment's views only render results (no runner imports them). */
const RENDER_ONLY = /(^|[\\/])views\.(ts|js)$/;

/** resultCodeVersion's hash of the sources under `libRoot` (RESULT_CODE, without RENDER_ONLY files). */
export const resultCodeHash = (libRoot: string, version: string): string => codeHash(libRoot, RESULT_CODE, version, RENDER_ONLY);

/**
 * The code version a cell's key holds: the package version and resultCodeHash of this build's sources
 * (the .ts files when run from lib/, the .js files of a build), so an edit that can change a number gives
 * every cell a new key and a rerun computes it afresh. A sweep's cells and the workers that run them must
 * therefore use the same build (the CLI: `npm run build`).
 */
export function resultCodeVersion(): string {
  if (memo != null) return memo;
  const version = packageVersion();
  memo = `${version}+${resultCodeHash(path.resolve(__dirname, '..'), version)}`;
  return memo;
}

import { execFileSync, spawnSync } from 'child_process';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');
const script = path.join(__dirname, 'fixtures', 'train-and-return.cjs');
/** The script's work takes about a second; a hang (the old behaviour) is killed at this limit. */
const EXIT_WITHIN_MS = 30_000;

describe('a plain Node script exits by itself', () => {
  beforeAll(() => {
    // Same preparation as `npm test`: an up-to-date dist/ (rebuilt when lib/ is newer).
    execFileSync('bash', [path.join(root, 'kernels-config', 'setup.sh')], { cwd: root, stdio: 'inherit' });
  }, 180_000);

  it('after init() on threaded wasm and a few training steps, with exit code 0', () => {
    const started = Date.now();
    const run = spawnSync(process.execPath, [script], {
      cwd: root,
      encoding: 'utf8',
      timeout: EXIT_WITHIN_MS,
      env: { ...process.env, UNLEARN_BACKEND: 'wasm', UNLEARN_WASM_THREADS: '2' },
    });
    expect(run.signal, `killed after ${EXIT_WITHIN_MS} ms: the process did not exit by itself`).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(EXIT_WITHIN_MS);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { backend: string; wasm: { threads: number; threaded: boolean }; losses: number[] };
    expect(out.backend).toBe('wasm');
    // Still the threaded build with its 2-thread pool: unref'ing the workers keeps them computing.
    expect(out.wasm).toEqual({ threads: 2, threaded: true });
    expect(out.losses).toHaveLength(3);
    expect(out.losses.every(Number.isFinite)).toBe(true);
    expect(out.losses[2]).toBeLessThan(out.losses[0]);
  }, 60_000);
});

import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';

// Issue 22 finding 6: the wasm worker script was written to a predictable /tmp path and then executed.
const root = path.join(__dirname, '..', '..');
const script = path.join(__dirname, 'fixtures', 'worker-path.cjs');
const env = { ...process.env, UNLEARN_BACKEND: 'wasm', UNLEARN_WASM_THREADS: '2' };

interface Info {
  file: string;
  dirMode: number;
  dirUid: number;
  fileMode: number;
  uid: number;
  wasm: { threads: number; threaded: boolean };
  sum: number;
}

function expectPrivate(info: Info): void {
  const dir = path.dirname(info.file);
  expect(path.dirname(dir)).toBe(os.tmpdir());
  // A fresh mkdtemp folder: random suffix, owned by us, closed to everyone else.
  expect(path.basename(dir)).toMatch(/^unlearn-lab-wasm-[A-Za-z0-9]{6}$/);
  expect(info.dirMode).toBe(0o700);
  expect(info.fileMode).toBe(0o600);
  expect(info.dirUid).toBe(info.uid);
  expect(info.wasm).toEqual({ threads: 2, threaded: true });
  expect(info.sum).toBe(64 * 64 * 64);
}

describe('the wasm worker script', () => {
  beforeAll(() => {
    // An up-to-date dist/ (rebuilt when lib/ is newer), as `npm test` prepares it.
    execFileSync('bash', [path.join(root, 'kernels-config', 'setup.sh')], { cwd: root, stdio: 'inherit' });
  }, 180_000);

  it('lives in a private folder of its own per process (mode 0700), removed when the process exits', () => {
    const runs = [0, 1].map(() => spawnSync(process.execPath, [script], { cwd: root, encoding: 'utf8', timeout: 60_000, env }));
    const infos = runs.map((r) => {
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as Info;
    });
    infos.forEach(expectPrivate);
    expect(path.dirname(infos[0].file)).not.toBe(path.dirname(infos[1].file));
    for (const i of infos) expect(fs.existsSync(path.dirname(i.file)), i.file).toBe(false);
  }, 120_000);

  it('is removed on SIGTERM too', async () => {
    const child = spawn(process.execPath, [script, 'wait'], { cwd: root, env });
    let out = '';
    const info = await new Promise<Info>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.trim()) as Info);
      });
      child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expectPrivate(info);
    expect(fs.existsSync(info.file)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(fs.existsSync(path.dirname(info.file))).toBe(false);
  }, 120_000);
});

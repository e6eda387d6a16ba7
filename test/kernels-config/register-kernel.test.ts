import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * kernels-config/register-kernel.cjs: this checkout's own kernel spec always, the per-user one only when it
 * is missing, this checkout's, or left by a checkout that is gone, or with --here (npm start). A clean clone
 * running its tests (CI) must not re-point the kernel a user's notebooks use.
 */
const root = path.resolve(__dirname, '..', '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-register-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function register(dataDir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, 'kernels-config', 'register-kernel.cjs'), ...args], { env: { ...process.env, JUPYTER_DATA_DIR: dataDir }, encoding: 'utf8' });
}
const userSpec = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'kernels', 'unlearn-lab', 'kernel.json'), 'utf8')) as { argv: string[]; env: Record<string, string> };
/** A per-user spec as another checkout at `checkout` would have written it. */
function specOf(dataDir: string, checkout: string): void {
  const spec = { ...userSpec(path.join(root, '.jupyter')), env: { UNLEARN_LAB_ROOT: checkout } };
  fs.mkdirSync(path.join(dataDir, 'kernels', 'unlearn-lab'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'kernels', 'unlearn-lab', 'kernel.json'), JSON.stringify(spec));
}

describe('register-kernel.cjs', () => {
  it('writes the per-user spec when there is none, and this checkout\'s own under .jupyter', () => {
    const data = path.join(work, 'fresh');
    register(data, '--quiet');
    expect(userSpec(data).env.UNLEARN_LAB_ROOT).toBe(root);
    expect(userSpec(path.join(root, '.jupyter')).env.UNLEARN_LAB_ROOT).toBe(root);
    expect(fs.existsSync(path.join(data, 'nbextensions', 'unlearn-lab', 'plotly.js'))).toBe(true);
    expect(register(data)).toContain(`already registered for ${root}`);
  });

  it("keeps another live checkout's per-user kernel and says how to take it over; --here takes it", () => {
    const data = path.join(work, 'other');
    const other = path.join(work, 'other-checkout');
    fs.mkdirSync(path.join(other, 'kernels-config'), { recursive: true });
    fs.writeFileSync(path.join(other, 'kernels-config', 'kernel.cjs'), '');
    specOf(data, other);
    expect(register(data)).toContain(`kept the per-user kernel 'unlearn-lab' of the checkout ${other}; run \`node kernels-config/register-kernel.cjs --here\``);
    expect(userSpec(data).env.UNLEARN_LAB_ROOT).toBe(other);
    register(data, '--quiet', '--here');
    expect(userSpec(data).env.UNLEARN_LAB_ROOT).toBe(root);
  });

  it('replaces the per-user kernel of a checkout that no longer exists', () => {
    const data = path.join(work, 'gone');
    specOf(data, path.join(work, 'deleted-ci-clone'));
    register(data, '--quiet');
    expect(userSpec(data).env.UNLEARN_LAB_ROOT).toBe(root);
  });
});

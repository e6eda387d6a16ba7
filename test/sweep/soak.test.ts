import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

interface Soak {
  rounds: number;
  tensorGrowth: number;
  afterDisposeTensors: number;
  curve: { round: number; method: string; numTensors: number; rssMiB: number }[];
}

describe('soak: unlearning rounds in one process', () => {
  it('keeps the tensor count flat over 20 chained rounds of six methods (tools/soak.cjs --check)', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tools', 'soak.cjs'), '--rounds', '20', '--per-class', '20', '--check'], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const soak = JSON.parse(r.stdout) as Soak;
    expect(soak.rounds).toBe(20);
    expect(soak.curve).toHaveLength(20);
    expect(new Set(soak.curve.map((c) => c.method)).size).toBe(6);
    const first = soak.curve[0].numTensors;
    expect(first).toBeGreaterThan(0);
    expect(soak.curve.map((c) => c.numTensors)).toEqual(soak.curve.map(() => first));
    expect(soak.tensorGrowth).toBe(0);
    // The last model disposed, nothing is left.
    expect(soak.afterDisposeTensors).toBe(0);
    for (const c of soak.curve) expect(c.rssMiB).toBeGreaterThan(0);
  });
});

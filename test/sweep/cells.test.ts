import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellKey, CellStore, decodeJson, encodeJson, mergeSeedResults, readCellFile, type ExperimentCellConfig } from '../../lib/sweep';
import { condensationSpeedups, type CondensationRow } from '../../lib/experiments/condensation-comparison';
import { singleRoundTable, type SingleRoundRow } from '../../lib/experiments/single-round';

const config = (seed: number): ExperimentCellConfig => ({
  kind: 'experiment',
  experiment: 'single-round',
  preset: 'smoke',
  seed,
  seeds: null,
  methods: ['cf'],
  dataset: null,
  settingsHash: 'abc',
  code: 'test',
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-cells-'));

describe('cell files', () => {
  it('keep NaN, infinities and typed arrays through a write and a read', () => {
    const x = { a: NaN, b: [Infinity, -Infinity, 1.5], f: Float64Array.from([1, NaN, -0.25]), i: Int32Array.from([3, -4]), s: Float32Array.from([0.5]), n: null };
    const back = decodeJson(encodeJson(x)) as typeof x;
    expect(back.a).toBeNaN();
    expect(back.b).toEqual([Infinity, -Infinity, 1.5]);
    expect(back.f).toBeInstanceOf(Float64Array);
    expect(Array.from(back.f)).toEqual([1, NaN, -0.25]);
    expect(back.i).toEqual(Int32Array.from([3, -4]));
    expect(back.s).toEqual(Float32Array.from([0.5]));
    expect(back.n).toBeNull();
  });

  it('are written atomically under their key and read back by config only', () => {
    const store = new CellStore(tmp());
    expect(store.read(config(0))).toBeNull();
    const written = store.write(config(0), { rows: [{ seed: 0, x: 1 }] }, 1.23456);
    expect(path.basename(store.file(written.key))).toBe(`${cellKey(config(0))}.json`);
    expect(store.read(config(0))).toEqual(written);
    expect(store.read(config(1))).toBeNull();
    // Only the file under the real name: the temp file was renamed.
    expect(fs.readdirSync(store.dir).sort()).toEqual([`${written.key}.json`, 'failed']);
  });

  it('refuse a cell whose config no longer matches its hash, naming the file and the fix', () => {
    const store = new CellStore(tmp());
    const c = store.write(config(0), { v: 1 }, 1);
    const file = store.file(c.key);
    const edited = JSON.parse(fs.readFileSync(file, 'utf8')) as { config: ExperimentCellConfig };
    edited.config.methods = ['scrub'];
    fs.writeFileSync(file, JSON.stringify(edited));
    expect(() => store.read(config(0))).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: its config no longer matches its hash .*Delete it to compute the cell again, or restore the original file\\.`));
    // A whole file copied under another cell's name is refused the same way.
    const other = store.write(config(1), { v: 2 }, 1);
    fs.copyFileSync(store.file(other.key), path.join(store.dir, `${'0'.repeat(16)}.json`));
    expect(() => readCellFile(path.join(store.dir, `${'0'.repeat(16)}.json`))).toThrow(/its config no longer matches its hash \(the file is named 0000000000000000/);
  });

  it('set a cut-short file aside and count the cell as not run; remove temp files of dead writers only', () => {
    const lines: string[] = [];
    const store = new CellStore(tmp(), (l) => lines.push(l));
    const c = store.write(config(0), { v: 1 }, 1);
    const file = store.file(c.key);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, text.length >> 1));
    expect(store.read(config(0))).toBeNull();
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(store.dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(1);
    expect(lines[0]).toMatch(/is not a whole cell file .*Set it aside as .*\.corrupt-.*; the cell \(single-round smoke cf seed 0\) is computed again\./);
    // A writer that was killed leaves its temp file; one that is alive (this process) keeps it.
    const dead = path.join(store.dir, `.${c.key}.json.999999999.abcd1234.tmp`);
    const live = path.join(store.dir, `.${c.key}.json.${process.pid}.abcd1234.tmp`);
    fs.writeFileSync(dead, '{"half');
    fs.writeFileSync(live, '{"half');
    expect(store.removeStaleTemps()).toEqual([path.basename(dead)]);
    expect(fs.existsSync(live)).toBe(true);
    expect(store.read(config(0))).toBeNull();
  });

  it('record failures until the cell succeeds', () => {
    const store = new CellStore(tmp());
    store.fail(config(2), new Error('dataset missing'), 'task 3');
    expect(store.failure(config(2))).toMatchObject({ error: 'dataset missing', where: 'task 3' });
    store.write(config(2), { v: 1 }, 1);
    expect(store.failure(config(2))).toBeNull();
  });
});

describe('merging single-seed results', () => {
  const row = (seed: number, method: string, acc: number): SingleRoundRow =>
    ({ seed, scenario: 'uniform 10%', method, blend: false, retainAcc: acc, forgetAcc: acc / 2, testAcc: acc - 0.1, mia: 50 + seed, status: 'ok', seconds: 1, kmeansSeconds: 0, samplingSeconds: 0, condensationSeconds: 0, retainUsed: 10 }) as unknown as SingleRoundRow;
  const result = (seed: number) => ({
    experiment: 'single-round',
    preset: 'smoke',
    backend: 'wasm',
    rows: [row(seed, 'cf', 0.5 + seed / 10), row(seed, 'scrub', 0.6 + seed / 20)],
    originals: [{ seed, scenario: 'uniform 10%', retainAcc: 1, forgetAcc: 1, testAcc: 0.8, mia: 60, status: 'ok' }],
    setups: [{ seed, scenario: 'uniform 10%' }],
    table: 'stale per-seed table',
    seconds: 2,
  });

  it('concatenates the per-seed lists in seed order and rebuilds the table with CIs over the seeds', () => {
    const merged = mergeSeedResults('single-round', [0, 1, 2].map(result)) as ReturnType<typeof result> & { table: ReturnType<typeof singleRoundTable> };
    const all = [0, 1, 2].map(result);
    expect(merged.rows).toEqual(all.flatMap((r) => r.rows));
    expect(merged.setups.map((s) => s.seed)).toEqual([0, 1, 2]);
    expect(merged.seconds).toBe(6);
    expect(merged.table.toJSON()).toEqual(singleRoundTable(merged.rows, merged.originals as never).toJSON());
    expect(merged.table.get('cf', 'uniform 10%', 'retainAcc').n).toBe(3);
    expect(merged.table.get('cf', 'uniform 10%', 'retainAcc').mean).toBeCloseTo(0.6, 12);
  });

  it('refuses cells of different settings and experiments it cannot merge', () => {
    expect(() => mergeSeedResults('single-round', [result(0), { ...result(1), preset: 'cpu' }])).toThrow(`mergeSeedResults: the single-round cells disagree on 'preset' ("smoke" vs "cpu"); they are not runs of one setting.`);
    expect(() => mergeSeedResults('aamu-anatomy', [result(0)])).toThrow(/has no seed merge; its cells run all seeds at once/);
  });

  it('rebuilds an across-seed field an experiment lists as derived (condensation speed-ups) instead of requiring it equal', () => {
    const cc = (seed: number) => {
      const rows = (['blend', 'dm'] as const).map((method) => ({ seed, ipc: 2, method, images: 20, testAcc: 0.5 + seed / 10, finalTestAcc: 0.5, seconds: method === 'blend' ? 1 : 2 + seed, kmeansSeconds: method === 'blend' ? 1 : 0, iterations: 1, referenceIterations: 10, secondsPerIteration: 2 + seed, projectedSeconds: method === 'blend' ? 2 : 20 + 10 * seed, evalEpochs: 1, evalSeconds: 1 })) as unknown as CondensationRow[];
      return { experiment: 'condensation-comparison', preset: 'smoke', rows, speedups: condensationSpeedups(rows), prototypes: seed === 0 ? [{ seed: 0, ipc: 2, method: 'blend' }] : [], table: 'stale', seconds: 5 };
    };
    const merged = mergeSeedResults('condensation-comparison', [0, 1, 2].map(cc)) as ReturnType<typeof cc>;
    // dm took 2, 3 and 4 s (mean 3) against Blend's 2 s with k-means: 1.5x; projected 30 / 2 = 15x.
    expect(merged.speedups).toEqual([{ ipc: 2, method: 'dm', measured: 1.5, projected: 15 }]);
    expect(merged.prototypes).toEqual([{ seed: 0, ipc: 2, method: 'blend' }]);
    expect(merged.rows).toHaveLength(6);
    expect(merged.seconds).toBe(15);
  });
});

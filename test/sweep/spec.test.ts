import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellKey, parseSweepSpec, planCells, resultCodeHash, resultCodeVersion, SEED_MERGERS } from '../../lib/sweep';
import { CPU_MEMORISING } from '../../lib/experiments/memorisation-regime/settings';

const spec = (text: string) => parseSweepSpec(text, 'grid.yaml');

describe('sweep spec', () => {
  it('expands experiment x presets x method sets x seeds into single-seed cells, in a stable order', () => {
    const s = spec(['experiments:', '  - experiment: suli-class-wise', '    presets: [smoke, cpu]', '    seeds: 3', '    methods: [su, [suli, retrain]]'].join('\n'));
    const cells = planCells(s);
    expect(cells).toHaveLength(2 * 2 * 3);
    expect(cells.map((c) => c.config.kind === 'experiment' && [c.config.preset, c.config.methods?.join('+'), c.config.seed])).toEqual([
      ['smoke', 'su', 0], ['smoke', 'su', 1], ['smoke', 'su', 2], ['smoke', 'suli+retrain', 0], ['smoke', 'suli+retrain', 1], ['smoke', 'suli+retrain', 2],
      ['cpu', 'su', 0], ['cpu', 'su', 1], ['cpu', 'su', 2], ['cpu', 'suli+retrain', 0], ['cpu', 'suli+retrain', 1], ['cpu', 'suli+retrain', 2],
    ]);
    expect(new Set(cells.map((c) => c.key)).size).toBe(cells.length);
    expect(new Set(cells.map((c) => c.group))).toEqual(new Set(['suli-class-wise-smoke-su-3seeds', 'suli-class-wise-smoke-suli+retrain-3seeds', 'suli-class-wise-cpu-su-3seeds', 'suli-class-wise-cpu-suli+retrain-3seeds']));
    // Same spec, same keys (a rerun finds its cells); the key hashes the config, which holds the code version.
    expect(planCells(s).map((c) => c.key)).toEqual(cells.map((c) => c.key));
    for (const c of cells) {
      expect(c.key).toBe(cellKey(c.config));
      expect(c.config.code).toBe(resultCodeVersion());
    }
    expect(cellKey({ ...cells[0].config, code: 'other' })).not.toBe(cells[0].key);
  });

  it('the code version follows every source that can change a number, not the views that only render', () => {
    const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-code-'));
    try {
      fs.mkdirSync(path.join(lib, 'experiments', 'x'), { recursive: true });
      fs.mkdirSync(path.join(lib, 'plot'));
      const write = (rel: string, text: string) => fs.writeFileSync(path.join(lib, rel), text);
      write('experiments/x/run.ts', 'a');
      write('experiments/x/views.ts', 'v');
      write('plot/figure.ts', 'p');
      const before = resultCodeHash(lib, '1.0.0');
      write('experiments/x/views.ts', 'v2');
      write('plot/figure.ts', 'p2');
      expect(resultCodeHash(lib, '1.0.0')).toBe(before);
      write('experiments/x/run.ts', 'b');
      const after = resultCodeHash(lib, '1.0.0');
      expect(after).not.toBe(before);
      expect(resultCodeHash(lib, '1.0.1')).not.toBe(after);
      write('experiments/x/reviews.ts', 'r');
      expect(resultCodeHash(lib, '1.0.0')).not.toBe(after);
    } finally {
      fs.rmSync(lib, { recursive: true, force: true });
    }
  });

  it("takes the preset's seed count by default, and runs experiments it cannot split by seed as one cell", () => {
    const [single] = planCells(spec('experiments: [{experiment: single-round, presets: [smoke]}]'));
    expect(single.config).toMatchObject({ experiment: 'single-round', seed: 0, seeds: null });
    const whole = planCells(spec('experiments: [{experiment: aamu-anatomy, presets: [smoke], seeds: 2}]'));
    expect(SEED_MERGERS['aamu-anatomy']).toBeUndefined();
    expect(whole.map((c) => c.config)).toEqual([expect.objectContaining({ experiment: 'aamu-anatomy', seed: null, seeds: 2 })]);
  });

  it('plans a 64-shadow LiRA audit on the cpu preset as 65 cells: the target, then one per shadow', () => {
    const cells = planCells(spec('lira: [{presets: [cpu], shadows: 64}]'));
    expect(cells).toHaveLength(65);
    expect(cells[0].config).toMatchObject({ kind: 'lira-target', candidate: CPU_MEMORISING.name, shadows: 64, seed: 0 });
    expect(cells.slice(1).map((c) => c.config.kind === 'lira-shadow' && c.config.shadow)).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(new Set(cells.map((c) => c.group))).toEqual(new Set([`lira-${CPU_MEMORISING.name}-cpu-64shadows`]));
  });

  it('reads YAML and JSON files and names a missing one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-spec-'));
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ lira: [{ presets: ['smoke'], shadows: 2 }] }));
    expect(planCells(parseSweepSpec(fs.readFileSync(path.join(dir, 'a.json'), 'utf8'), path.join(dir, 'a.json')))).toHaveLength(3);
    expect(parseSweepSpec('{"lira": [{"presets": ["smoke"], "shadows": 2}]}', path.join(dir, 'b.json')).name).toBe('b');
  });

  it('rejects bad specs with a message naming the input and the fix', () => {
    expect(() => spec('')).toThrow("sweep spec grid.yaml: the grid is empty (no experiment or LiRA cell): give at least one entry under 'experiments' (with presets) or 'lira'.");
    expect(() => spec('experiments: []\nlira: []')).toThrow(/the grid is empty/);
    expect(() => spec('experiments: [{experiment: single-round, presets: []}]')).toThrow(/the grid is empty/);
    expect(() => spec('experiment: single-round')).toThrow("sweep spec grid.yaml: unknown key 'experiment' in the top level. Known keys there: name, experiments, lira.");
    expect(() => spec('experiments: [{experiment: single-round, presets: [smoke], seed: 3}]')).toThrow(
      "sweep spec grid.yaml: unknown key 'seed' in experiments[0]. Known keys there: experiment, presets, seeds, methods, datasets.",
    );
    expect(() => spec('lira: [{presets: [smoke], shadows: 4, shadow: 1}]')).toThrow("unknown key 'shadow' in lira[0]");
    expect(() => spec('experiments: [{experiment: nope, presets: [smoke]}]')).toThrow(/experiments\[0\]: Unknown experiment 'nope'. Choose one of: /);
    expect(() => spec('experiments: [{experiment: single-round, presets: [laptop]}]')).toThrow(/unknown preset "laptop". Choose from: smoke, cpu, gpu-paper/);
    expect(() => spec('experiments: [{experiment: single-round, presets: [smoke], datasets: [cifar10]}]')).toThrow(/single-round takes no --dataset, so 'datasets' cannot be set/);
    expect(() => spec('experiments: [{experiment: single-round, presets: [smoke], methods: [nope]}]')).toThrow(/methods\[0\]: Unknown unlearning method 'nope'/);
    expect(() => spec('experiments: [{experiment: single-round, presets: [smoke], seeds: 0}]')).toThrow(/seeds must be a count >= 1/);
    expect(() => spec('experiments: [{experiment: aamu-anatomy, presets: [smoke], seeds: [0, 2]}]')).toThrow(/runs its seeds 0..n-1 in one cell, so give seeds as a count/);
    expect(() => spec('lira: [{presets: [smoke], shadows: 3}]')).toThrow('sweep spec grid.yaml: lira[0].shadows must be an even integer >= 2, got 3.');
    expect(() => spec('lira: [{presets: [smoke], shadows: 2, candidate: nope}]')).toThrow(/preset smoke has no candidate 'nope'. Its candidates: /);
    expect(() => spec('experiments: [{experiment: single-round, presets: [smoke]}, {experiment: single-round, presets: [smoke]}]')).toThrow(/repeats cell 0; remove the repeated grid entry/);
    expect(() => spec('experiments: [oops')).toThrow(/sweep spec grid.yaml is not valid YAML or JSON/);
  });
});

import * as fs from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of lib/, lowest first. A file may import from its own folder and from folders in lower
 * layers only; folders in the same layer do not import each other.
 *
 *   0  io, results          leaves: atomic writes, HTML escaping, Jupyter display; mean ± CI, results table
 *   1  engine               backends, wasm threads, rng, timers, leak checks
 *   2  data                 datasets (ImageShape), loaders, splits, batches
 *   3  models               modules, zoo, registry, checkpoints
 *   4  train                the optimisation loop, losses, optimisers, evaluate/accuracy
 *   5  condense, metrics    condensation; MIAs and unlearning metrics (siblings)
 *   6  unlearn              unlearning methods (A-AMU's MIA regulariser uses metrics)
 *   7  plot, report, bench  figures; tables, CSV/HTML reports, notebook helpers; benchmarks (siblings)
 *   8  experiments, audit   paper experiments, their runners and views; auditing one model trio (siblings)
 *   9  sweep                grids of experiment cells, their launchers (local, Slurm, Kubernetes) and merge
 *  10  cli.ts, index.ts     entry points
 */
const LAYERS: string[][] = [
  ['io', 'results'],
  ['engine'],
  ['data'],
  ['models'],
  ['train'],
  ['condense', 'metrics', 'privacy'],
  ['unlearn'],
  ['plot', 'report', 'bench'],
  ['experiments', 'audit'],
  ['sweep'],
  // gpu-check is its own entry point (npm run gpu-check), beside the CLI.
  ['cli.ts', 'index.ts', 'gpu-check'],
];

const LIB = path.join(__dirname, '..', 'lib');

/** The unit a lib file belongs to: its top folder, or the file name for files directly in lib/. */
function unitOf(file: string): string {
  return path.relative(LIB, file).split(path.sep)[0];
}

function libFiles(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return libFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

interface Edge {
  file: string;
  from: string;
  to: string;
}

/** Cross-unit imports of every lib file: import/export from, import = require, require() and import(), type-only included. */
function crossUnitEdges(): Edge[] {
  return libFiles().flatMap((file) =>
    ts
      .preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ file: path.relative(LIB, file), from: unitOf(file), to: unitOf(path.resolve(path.dirname(file), spec)) }))
      .filter((e) => e.from !== e.to),
  );
}

/** The imports that break the layer order, each as a readable line. */
function violations(edges: Edge[]): string[] {
  const rank = new Map(LAYERS.flatMap((units, i) => units.map((u): [string, number] => [u, i])));
  return edges.flatMap((e) => {
    const a = rank.get(e.from);
    const b = rank.get(e.to);
    if (a === undefined || b === undefined) return [`${e.file}: '${a === undefined ? e.from : e.to}' is in no layer; add it to LAYERS in test/layers.test.ts.`];
    if (b < a) return [];
    return [`${e.file}: ${e.from} (layer ${a}) imports ${e.to} (layer ${b}); ${b === a ? 'same-layer folders do not import each other' : 'a lower layer must not import a higher one'}.`];
  });
}

describe('lib layers', () => {
  it('every folder of lib/ is in a layer', () => {
    const units = fs.readdirSync(LIB).filter((n) => n.endsWith('.ts') || fs.statSync(path.join(LIB, n)).isDirectory());
    expect(units.filter((u) => !LAYERS.flat().includes(u))).toEqual([]);
  });

  it('no import goes up or sideways (no back edges)', () => {
    const edges = crossUnitEdges();
    expect(edges.length).toBeGreaterThan(50);
    expect(violations(edges)).toEqual([]);
  });

  it('the leaves io and results import nothing from the rest of lib', () => {
    expect(crossUnitEdges().filter((e) => e.from === 'io' || e.from === 'results')).toEqual([]);
  });

  it('reports a back edge and a sideways edge', () => {
    expect(violations([{ file: 'data/dataset.ts', from: 'data', to: 'models' }])).toEqual([
      'data/dataset.ts: data (layer 2) imports models (layer 3); a lower layer must not import a higher one.',
    ]);
    expect(violations([{ file: 'plot/x.ts', from: 'plot', to: 'report' }])[0]).toMatch(/same-layer folders do not import each other/);
    expect(violations([{ file: 'x/y.ts', from: 'x', to: 'data' }])[0]).toMatch(/'x' is in no layer/);
  });
});

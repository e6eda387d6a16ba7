import { jStat } from './jstat';

/** One cell of a results table: mean over seeds and the half-width of its 95 % Student-t CI. */
export interface SeedCell {
  mean: number;
  /** Half-width: the interval is mean +- ci. NaN when n < 2 (no spread to estimate). */
  ci: number;
  n: number;
}

/** One row per (method, scenario); cells keyed by metric name (a column). */
export interface SeedTableRow {
  method: string;
  scenario: string;
  cells: Record<string, SeedCell>;
}

/** Plain table object for the table/plot code: columns are metric names, in first-seen order. */
export interface SeedTable {
  columns: string[];
  rows: SeedTableRow[];
  /** Confidence level of every ci (0.95). */
  level: number;
}

/** One run's results: a method on a scenario with one seed. */
export interface RunRecord {
  method: string;
  scenario: string;
  seed: number | string;
  metrics: Record<string, number>;
}

/** Mean and 95 % Student-t interval half-width t_{0.975, n-1} * s / sqrt(n). */
export function seedCell(values: number[], level = 0.95): SeedCell {
  if (values.length === 0) throw new Error('seedCell: no values; pass at least one.');
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new Error(`seedCell: value ${i} is ${v}; every value must be finite.`);
  });
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, ci: NaN, n };
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, ci: jStat.studentt.inv(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n)), n };
}

/**
 * Aggregates runs over seeds, per method and scenario (rows in first-seen order). A metric that a
 * run lacks is skipped for that run, so n can differ between cells; a NaN value is an error.
 */
export function aggregateOverSeeds(runs: RunRecord[], level = 0.95): SeedTable {
  if (runs.length === 0) throw new Error('aggregateOverSeeds: no runs; pass one record per method, scenario and seed.');
  const columns: string[] = [];
  const groups = new Map<string, { method: string; scenario: string; values: Map<string, number[]>; seeds: Set<string> }>();
  for (const r of runs) {
    const key = JSON.stringify([r.method, r.scenario]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { method: r.method, scenario: r.scenario, values: new Map(), seeds: new Set() }));
    if (g.seeds.has(String(r.seed))) throw new Error(`aggregateOverSeeds: seed ${r.seed} appears twice for method '${r.method}' on '${r.scenario}'; each seed once.`);
    g.seeds.add(String(r.seed));
    for (const [m, v] of Object.entries(r.metrics)) {
      if (!Number.isFinite(v)) throw new Error(`aggregateOverSeeds: metric '${m}' of '${r.method}' on '${r.scenario}' (seed ${r.seed}) is ${v}.`);
      if (!columns.includes(m)) columns.push(m);
      if (!g.values.has(m)) g.values.set(m, []);
      g.values.get(m)!.push(v);
    }
  }
  const rows = [...groups.values()].map((g) => ({
    method: g.method,
    scenario: g.scenario,
    cells: Object.fromEntries([...g.values.entries()].map(([m, vs]) => [m, seedCell(vs, level)])),
  }));
  return { columns, rows, level };
}

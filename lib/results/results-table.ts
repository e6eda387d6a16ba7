// The one results table: runs (method, scenario, seed) aggregated to mean ± 95% CI per metric.
import { meanCi, type MeanCi } from './mean-ci';
import type { Cell, Table } from './table';

/** One run: a method on a scenario with one seed; metric values as they are measured (fractions for accuracies). */
export interface RunRecord {
  method: string;
  scenario: string;
  seed: number | string;
  metrics: Record<string, number>;
}

export interface ResultRow {
  method: string;
  scenario: string;
  cells: Record<string, MeanCi>;
}

const list = (xs: Iterable<string>) => [...xs].map((x) => `'${x}'`).join(', ');

/** The one results table: mean ± 95% CI over seeds per (method, scenario, metric). */
export class ResultsTable {
  private constructor(
    /** Metric names in first-seen order. */
    readonly metrics: string[],
    /** One row per (method, scenario), in first-seen order. */
    readonly rows: ResultRow[],
    /** Confidence level of every ci. */
    readonly level: number,
  ) {}

  /**
   * Aggregates runs over seeds. A metric that a run lacks is skipped for that run, so n can differ
   * between cells; a repeated seed or a non-finite value is an error.
   */
  static fromRuns(runs: RunRecord[], level = 0.95): ResultsTable {
    if (runs.length === 0) throw new Error('ResultsTable.fromRuns: no runs; pass one record per method, scenario and seed.');
    const metrics: string[] = [];
    const groups = new Map<string, { method: string; scenario: string; values: Map<string, number[]>; seeds: Set<string> }>();
    for (const r of runs) {
      const key = JSON.stringify([r.method, r.scenario]);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { method: r.method, scenario: r.scenario, values: new Map(), seeds: new Set() }));
      if (g.seeds.has(String(r.seed))) throw new Error(`ResultsTable.fromRuns: seed ${r.seed} appears twice for method '${r.method}' on '${r.scenario}'; pass each seed once.`);
      g.seeds.add(String(r.seed));
      for (const [m, v] of Object.entries(r.metrics)) {
        if (!Number.isFinite(v)) throw new Error(`ResultsTable.fromRuns: metric '${m}' of '${r.method}' on '${r.scenario}' (seed ${r.seed}) is ${v}; every value must be finite.`);
        if (!metrics.includes(m)) metrics.push(m);
        if (!g.values.has(m)) g.values.set(m, []);
        g.values.get(m)!.push(v);
      }
    }
    const rows = [...groups.values()].map((g) => ({
      method: g.method,
      scenario: g.scenario,
      cells: Object.fromEntries([...g.values.entries()].map(([m, vs]) => [m, meanCi(vs, level)])),
    }));
    return new ResultsTable(metrics, rows, level);
  }

  /** The cell of a method on a scenario; throws naming the methods, scenarios or metrics that exist. */
  get(method: string, scenario: string, metric: string): MeanCi {
    const row = this.rows.find((r) => r.method === method && r.scenario === scenario);
    if (row == null) {
      if (!this.methods().includes(method)) throw new Error(`ResultsTable: no method '${method}'. Methods: ${list(this.methods())}.`);
      const has = this.rows.filter((r) => r.method === method).map((r) => r.scenario);
      throw new Error(`ResultsTable: method '${method}' has no scenario '${scenario}'. Its scenarios: ${list(has)}.`);
    }
    const c = row.cells[metric];
    if (c == null) throw new Error(`ResultsTable: '${method}' on '${scenario}' has no metric '${metric}'. Its metrics: ${list(Object.keys(row.cells))}.`);
    return c;
  }

  /** Method names in first-seen order. */
  methods(): string[] {
    return [...new Set(this.rows.map((r) => r.method))];
  }

  /** Scenario names in first-seen order. */
  scenarios(): string[] {
    return [...new Set(this.rows.map((r) => r.scenario))];
  }

  /**
   * The rendering view: columns scenario, method, then metrics. `scale` multiplies mean and ci, e.g.
   * {acc: 100} renders a fraction as percent; keys for metrics the view does not show are ignored, so
   * one scale map can serve several tables.
   */
  view(o: { metrics?: string[]; title?: string; scale?: Record<string, number> } = {}): Table {
    const metrics = o.metrics ?? this.metrics;
    const unknown = metrics.filter((m) => !this.metrics.includes(m));
    if (unknown.length > 0) throw new Error(`ResultsTable.view: no metric ${list(unknown)}. Metrics: ${list(this.metrics)}.`);
    for (const [m, s] of Object.entries(o.scale ?? {})) {
      if (!(Number.isFinite(s) && s > 0)) throw new Error(`ResultsTable.view: scale.${m} must be a finite number > 0, got ${JSON.stringify(s)}.`);
    }
    const rows: Cell[][] = this.rows.map((r) => [
      r.scenario,
      r.method,
      ...metrics.map((m): Cell => {
        const c = r.cells[m];
        const s = o.scale?.[m] ?? 1;
        return c == null ? null : s === 1 ? { ...c } : { mean: c.mean * s, ci: c.ci * s, n: c.n };
      }),
    ]);
    return { columns: ['scenario', 'method', ...metrics], rows, title: o.title };
  }

  toJSON(): { metrics: string[]; rows: ResultRow[]; level: number } {
    return { metrics: this.metrics, rows: this.rows, level: this.level };
  }
}

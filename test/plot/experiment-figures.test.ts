import { describe, expect, it } from 'vitest';
import { allExperiments } from '../../lib/experiments/registry';
import { hasCommittedResults, loadCommittedResults } from '../../lib/experiments/shared/committed';
import type { ExperimentOutput } from '../../lib/experiments/shared/output';
import { AVG_GAP, gapColumn, REFERENCE_ROW_COLOURS } from '../../lib/experiments/shared/retrain-gap';
import { dotPlot } from '../../lib/plot/dot-plot';
import { figureTitle, type Figure, type Trace } from '../../lib/plot/figure';
import { metricBars } from '../../lib/plot/metric-bars';
import { meanCi, type Table } from '../../lib/results';
import { suliRadar } from '../../lib/experiments/suli-class-wise/views';
import type { SuliClassWiseResult } from '../../lib/experiments/suli-class-wise/run';
import { suliGradCamFigures } from '../../lib/experiments/suli-feature-space/views';
import type { SuliFeatureSpaceResult } from '../../lib/experiments/suli-feature-space/run';
import { multiRoundFigures, type MultiRoundResult } from '../../lib/experiments/multi-round';
import { syntheticMultiRound, syntheticReducedRetain, syntheticSingleRound } from '../helpers/synthetic-results';

// Issue 15: a bar or dot per method and metric, never two stacked into one; every MIA figure shows the ideal.

const text = (v: unknown): string => (typeof v === 'string' ? v : v != null && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string' ? (v as { text: string }).text : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<unknown>) : []);
const repeated = (xs: unknown[]): unknown[] => xs.filter((x, i) => xs.findIndex((y) => JSON.stringify(y) === JSON.stringify(x)) !== i);
/** The subplot a trace is drawn in: its polar (a radar panel) or its pair of axes. */
const axesOf = (t: Trace) => (typeof t.subplot === 'string' ? t.subplot : `${String(t.xaxis ?? 'x')}/${String(t.yaxis ?? 'y')}`);
/** 'y2' -> layout.yaxis2. */
const layoutAxis = (fig: Figure, id: string) => fig.layout[id.replace(/^([xy])/, '$1axis')] as Record<string, unknown> | undefined;

/** What is wrong with a figure: stacked or repeated bars, two series under one name, two dots or points per category. */
function figureProblems(fig: Figure): string[] {
  const problems: string[] = [];
  const mode = fig.layout.barmode;
  if (mode === 'stack' || mode === 'relative') problems.push(`layout.barmode is '${String(mode)}': bars would stack`);
  // Legend entries: one per series.
  const legend = fig.data.filter((t) => t.showlegend !== false && typeof t.name === 'string' && t.name !== '').map((t) => t.name);
  for (const name of new Set(repeated(legend))) problems.push(`two legend entries named '${String(name)}'`);
  // On one pair of axes, one trace per name (a reference repeated in each panel is one per panel).
  const named = fig.data.filter((t) => typeof t.name === 'string' && t.name !== '').map((t) => `${axesOf(t)} ${t.name}`);
  for (const key of new Set(repeated(named))) problems.push(`two traces '${String(key)}' on the same axes`);
  fig.data.forEach((t, i) => {
    const what = `trace ${i} ('${String(t.name ?? '')}')`;
    if (t.type === 'bar') {
      // One bar per category (method) in each trace (metric or series): a repeated category would stack.
      const categories = list(t.orientation === 'h' ? t.y : t.x);
      for (const c of new Set(repeated(categories))) problems.push(`${what}: category '${String(c)}' has two bars`);
      if (t.base != null) problems.push(`${what}: bars with a base are stacked by hand`);
    } else if (t.type === 'scatter' && t.mode === 'markers' && list(layoutAxis(fig, String(t.yaxis ?? 'y'))?.ticktext).length > 0) {
      // A dot plot: one dot per row label and panel.
      for (const y of new Set(repeated(list(t.y)))) problems.push(`${what}: row ${String(y)} has two dots`);
    } else if (t.type === 'scatter' && t.mode === 'lines+markers') {
      for (const x of new Set(repeated(list(t.x)))) problems.push(`${what}: x = ${String(x)} has two points`);
    }
  });
  return problems;
}

/** True when a figure plots the MIA score: an axis title, a trace or a panel says so. */
function plotsMia(fig: Figure): boolean {
  const axisTitles = Object.entries(fig.layout)
    .filter(([k]) => /^[xy]axis\d*$/.test(k))
    .map(([, v]) => text((v as { title?: unknown }).title));
  return [...axisTitles, ...fig.data.map((t) => String(t.name ?? ''))].some((s) => /\bMIA\b|^mia$/i.test(s));
}

/** The dashed reference values of a figure: horizontal shapes, and traces of one constant x or y. */
function dashedValues(fig: Figure): number[] {
  const out: number[] = [];
  for (const s of list(fig.layout.shapes) as Record<string, unknown>[]) {
    if (s.type === 'line' && (s.line as { dash?: string } | undefined)?.dash != null && s.y0 === s.y1) out.push(Number(s.y0));
  }
  for (const t of fig.data) {
    if (t.mode !== 'lines' || (t.line as { dash?: string } | undefined)?.dash == null) continue;
    for (const axis of [list(t.x), list(t.y)]) if (axis.length >= 2 && axis.every((v) => v === axis[0]) && typeof axis[0] === 'number') out.push(axis[0]);
  }
  return out;
}

/**
 * Figures known to plot the MIA score without the ideal line, by experiment and title. aamu-anatomy's
 * sweeps (lib/experiments/aamu-anatomy/views.ts, changed elsewhere at the time): pass
 * `references: [MIA_IDEAL_LINE]` (shared/retrain-gap) to their metricLines calls, then empty this list.
 */
const WITHOUT_IDEAL_YET: Record<string, string[]> = {};

/** Every problem of an experiment's figures, named by figure; MIA figures without the ideal line are one. */
function outputProblems(name: string, out: ExperimentOutput): string[] {
  return (out.figures ?? []).flatMap(({ figure }, i) => {
    const where = `${name} figure ${i} ('${figureTitle(figure)}')`;
    const excused = (WITHOUT_IDEAL_YET[name] ?? []).includes(figureTitle(figure));
    const ideal = excused || !plotsMia(figure) || dashedValues(figure).some((v) => v === 50 || v === 0.5);
    return [...figureProblems(figure), ...(ideal ? [] : ['plots the MIA score without the dashed ideal line (50, or 0.5 for a fraction)'])].map((p) => `${where}: ${p}`);
  });
}

describe('experiment figures: one bar, dot or line per method and metric; the ideal MIA drawn', () => {
  it('the checks catch stacked bars, repeated categories and repeated series', () => {
    const stacked: Figure = { data: [{ type: 'bar', name: 'acc', x: ['cf', 'cf'], y: [1, 2] }], layout: { barmode: 'stack' } };
    expect(figureProblems(stacked)).toEqual(["layout.barmode is 'stack': bars would stack", "trace 0 ('acc'): category 'cf' has two bars"]);
    const twice: Figure = { data: [{ type: 'bar', name: 'acc', x: ['cf'], y: [1] }, { type: 'bar', name: 'acc', x: ['a-cf'], y: [1] }], layout: {} };
    expect(figureProblems(twice)).toEqual(["two legend entries named 'acc'", "two traces 'x/y acc' on the same axes"]);
    const dots: Figure = { data: [{ type: 'scatter', mode: 'markers', name: 'mia', x: [1, 2], y: [0, 0] }], layout: { yaxis: { ticktext: ['cf'] } } };
    expect(figureProblems(dots)).toEqual(["trace 0 ('mia'): row 0 has two dots"]);
  });

  it('the builders refuse rows that would stack or overlap', () => {
    const t: Table = { columns: ['method', 'acc'], rows: [['cf', meanCi([1, 2])], ['cf', meanCi([3, 4])]] };
    expect(() => metricBars(t)).toThrow(/share the label 'cf', so their bars would stack/);
    expect(() => dotPlot(t)).toThrow(/share the label 'cf', so their dots would overlap/);
  });

  const committed = allExperiments().filter((e) => hasCommittedResults(e.name, 'cpu'));
  it.each(committed.map((e) => [e.name, e] as const))('%s: the committed cpu results (written before Original rows) render and pass', (name, e) => {
    const out = e.output(loadCommittedResults(name, 'cpu'), { preset: 'cpu' });
    expect((out.figures ?? []).length).toBeGreaterThan(0);
    expect(outputProblems(name, out)).toEqual([]);
  });

  it('condensation-comparison: the accuracy figure claims a CI only when there is more than one seed', () => {
    const e = allExperiments().find((x) => x.name === 'condensation-comparison')!;
    const r = loadCommittedResults<{ rows: { seed: number }[] }>('condensation-comparison', 'cpu');
    const title = (rows: { seed: number }[]) => figureTitle(e.output({ ...r, rows }, { preset: 'cpu' }).figures!.at(-1)!.figure);
    const one = r.rows.filter((row) => row.seed === r.rows[0].seed);
    expect(title(one)).toMatch(/\(one seed: no interval\)$/);
    expect(title([...one, ...one.map((row) => ({ ...row, seed: row.seed + 1 }))])).toMatch(/\(mean ± 95% CI over 2 seeds\)$/);
  });

  it('covers the Blend/A-AMU experiments with committed results', () => {
    expect(committed.map((e) => e.name)).toEqual(expect.arrayContaining(['single-round', 'reduced-retain-strategies', 'multi-round', 'condensation-comparison']));
  });

  const synthetic: [string, () => unknown][] = [
    ['single-round', () => syntheticSingleRound()],
    ['reduced-retain-strategies', () => syntheticReducedRetain()],
    ['multi-round', () => syntheticMultiRound()],
    ['multi-round', () => syntheticMultiRound(1, ['cf', 'a-cf'])],
  ];
  it.each(synthetic)('%s: a synthetic result with Original and Retrain rows renders and passes', (name, make) => {
    const e = allExperiments().find((x) => x.name === name)!;
    expect(outputProblems(name, e.output(make(), { preset: 'smoke' }))).toEqual([]);
  });
});

describe('tables read against Original and Retrain', () => {
  const rendered = (t: Table, label: string, column: string) => {
    const row = t.rows.find((r) => r[1] === label || r[0] === label);
    const c = row?.[t.columns.indexOf(column)];
    return c != null && typeof c === 'object' ? c.mean : c;
  };

  it('single-round: each scenario table starts with Original and Retrain, and its gap table follows it', () => {
    const r = syntheticSingleRound();
    const out = allExperiments().find((x) => x.name === 'single-round')!.output(r, { preset: 'smoke' });
    const names = Object.keys(out.tables);
    expect(names.slice(0, 4)).toEqual(['table-uniform-10', 'gap-uniform-10', 'table-class-0-T-shirt-top', 'gap-class-0-T-shirt-top']);
    const table = out.tables['table-uniform-10'];
    expect(table.rows.slice(0, 3).map((x) => x[1])).toEqual(['original', 'retrain', 'retrain+blend']);
    // The original has no times: empty cells, not zeros.
    expect(table.rows[0][table.columns.indexOf('seconds')]).toBeNull();
    const gap = out.tables['gap-uniform-10'];
    expect(gap.columns).toEqual(['scenario', 'method', ...['retainAcc', 'forgetAcc', 'testAcc', 'mia'].map(gapColumn), AVG_GAP]);
    expect(rendered(gap, 'retrain', AVG_GAP)).toBe(0);
    // Avg. Gap of cf: mean over seeds of the mean |gap| on each seed, in points.
    const per = [0, 1, 2].map((seed) => {
      const of = (m: string) => r.rows.find((x) => x.seed === seed && x.method === m && !x.blend && x.scenario === 'uniform 10%')!;
      const cf = of('cf');
      const rt = of('retrain');
      return (100 * Math.abs(cf.retainAcc - rt.retainAcc) + 100 * Math.abs(cf.forgetAcc - rt.forgetAcc) + 100 * Math.abs(cf.testAcc - rt.testAcc) + Math.abs(cf.mia - rt.mia)) / 4;
    });
    expect(rendered(gap, 'cf', AVG_GAP)).toBeCloseTo(per.reduce((a, b) => a + b, 0) / 3, 9);
    expect(out.notes!.join(' ')).toMatch(/below 50, or below Retrain's, is not better/);
  });

  it('old results without Original rows still render, without those rows, and say so', () => {
    const r = syntheticSingleRound(2);
    delete r.originals;
    const out = allExperiments().find((x) => x.name === 'single-round')!.output(r, { preset: 'smoke' });
    expect(out.tables['table-uniform-10'].rows[0][1]).toBe('retrain');
    expect(out.notes!.join(' ')).toMatch(/no Original rows/);
    const rr = syntheticReducedRetain(1);
    delete rr.references;
    const out2 = allExperiments().find((x) => x.name === 'reduced-retain-strategies')!.output(rr, { preset: 'smoke' });
    expect(out2.tables.gap).toBeUndefined();
    expect(out2.tables.strategies.rows[0][0]).toMatch(/^\(1\)/);
  });

  it('reduced-retain-strategies: Original, Retrain, then the seven sets; a gap table; time bars without the original', () => {
    const out = allExperiments().find((x) => x.name === 'reduced-retain-strategies')!.output(syntheticReducedRetain(), { preset: 'smoke' });
    expect(Object.keys(out.tables)).toEqual(['strategies', 'gap', 'paper', 'ratios']);
    expect(out.tables.strategies.rows.map((x) => x[0]).slice(0, 3)).toEqual(['original', 'retrain', RETAIN_LABEL_1]);
    expect(out.tables.gap.columns[0]).toBe('training set');
    expect(rendered(out.tables.gap, 'retrain', AVG_GAP)).toBe(0);
    const time = out.figures![2].figure;
    expect(time.data[0].x).toEqual(['retrain', '(1)', '(2)', '(3)', '(4)', '(5)', '(6)', '(7)']);
  });

  it('multi-round: Original rows per round, a gap table only with a Retrain run', () => {
    const e = allExperiments().find((x) => x.name === 'multi-round')!;
    const out = e.output(syntheticMultiRound(), { preset: 'smoke' });
    expect(out.tables.rounds.rows.slice(0, 3).map((x) => [x[0], x[1]])).toEqual([['round 0', 'original'], ['round 1', 'original'], ['round 2', 'original']]);
    expect(rendered(out.tables['gap-to-retrain'], 'retrain', AVG_GAP)).toBe(0);
    const noRetrain = e.output(syntheticMultiRound(1, ['cf', 'a-cf']), { preset: 'smoke' });
    expect(noRetrain.tables['gap-to-retrain']).toBeUndefined();
    expect(noRetrain.notes!.join(' ')).toMatch(/No Retrain run/);
    // Retrain's lines are near-black (the dot plots' reference colour), the original's grey dotted, the methods coloured.
    const lines = out.figures!.map((f) => f.figure).find((f) => f.data.some((t) => t.name === 'retrain'))!.data;
    const colour = (name: string) => (lines.find((t) => t.name === name)!.line as { color: string }).color;
    expect(colour('retrain')).toBe(REFERENCE_ROW_COLOURS.retrain);
    expect(colour('retrain+blend')).toBe(REFERENCE_ROW_COLOURS.retrain);
    expect(new Set(['original', 'retrain', 'cf', 'a-cf'].map(colour)).size).toBe(4);
  });

  it('multi-round (committed cpu run): one panel per method and its A-AMU version, each with Original and Retrain, CIs as bars', () => {
    const figs = multiRoundFigures(loadCommittedResults<MultiRoundResult>('multi-round', 'cpu'));
    const mia = figs.mia;
    const titles = (mia.layout.annotations as { text: string }[]).map((a) => a.text);
    expect(titles).toEqual(['cf and a-cf', 'l1-sparse and a-l1', 'scrub and a-scrub']);
    titles.forEach((_, k) => {
      const axis = k === 0 ? 'x' : `x${k + 1}`;
      const inPanel = mia.data.filter((t) => t.xaxis === axis && t.mode === 'lines+markers').map((t) => String(t.name));
      expect(inPanel).toEqual(expect.arrayContaining(['original', 'retrain', 'retrain+blend']));
      expect(inPanel).toHaveLength(7);
    });
    // One legend entry per name across panels; 3 seeds give CI bars, no shaded bands.
    const legend = mia.data.filter((t) => t.showlegend !== false).map((t) => String(t.name));
    expect(new Set(legend).size).toBe(legend.length);
    expect(mia.data.some((t) => t.fill === 'toself')).toBe(false);
    expect(mia.data.filter((t) => t.name === 'cf').every((t) => (t.error_y as { array: number[] }).array.length === 3)).toBe(true);
  });
});

const RETAIN_LABEL_1 = '(1) R: full retain set, raw';

describe('SULI figures from the committed cpu results (issue 20, item 8)', () => {
  it('Fig. 5: Grad-CAM is one grid figure, a row per model and a column per explained image', () => {
    const r = loadCommittedResults<SuliFeatureSpaceResult>('suli-feature-space', 'cpu');
    const figs = suliGradCamFigures(r);
    expect(figs).toHaveLength(1);
    expect(figs[0].data.filter((t) => t.type === 'heatmap')).toHaveLength(r.models.length * r.gradCamIds.length);
    const rowNames = (figs[0].layout.annotations as { text: string }[]).map((a) => a.text).filter((t) => t.startsWith('<b>'));
    expect(rowNames).toEqual(['<b>image</b>', '<b>Original</b>', '<b>Retrain</b>', '<b>SU</b>', '<b>SULI</b>']);
  });

  it('Fig. 3: one radar panel per method (no panel holds more than its polygon and the Retrain outline)', () => {
    const r = loadCommittedResults<SuliClassWiseResult>('suli-class-wise', 'cpu');
    const fig = suliRadar(r);
    const methods = new Set(r.rows.map((x) => x.method).filter((m) => m !== 'original'));
    const perPanel = new Map<string, number>();
    for (const t of fig.data) perPanel.set(String(t.subplot), (perPanel.get(String(t.subplot)) ?? 0) + 1);
    expect(perPanel.size).toBe(methods.size);
    expect(Math.max(...perPanel.values())).toBeLessThanOrEqual(2);
  });
});

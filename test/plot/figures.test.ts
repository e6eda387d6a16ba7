import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../lib/data/dataset';
import { embeddingScatter, tsne2d } from '../../lib/plot/embedding-scatter';
import { heatmapOverlay, heatmapOverlayGrid } from '../../lib/plot/heatmap-overlay';
import { imageGrid } from '../../lib/plot/image-grid';
import { gaussianKde, lossDensity } from '../../lib/plot/loss-density';
import { lossHistogram } from '../../lib/plot/loss-histogram';
import { lossHistogramPanels } from '../../lib/plot/loss-histogram-panels';
import { baseLayout, figureTitle, logAxis, wrapTitle, type Figure } from '../../lib/plot/figure';
import { dotPlot } from '../../lib/plot/dot-plot';
import { metricBars } from '../../lib/plot/metric-bars';
import { metricLines } from '../../lib/plot/metric-lines';
import { probitLossDistribution, probitTransform } from '../../lib/plot/probit';
import { radarChart } from '../../lib/plot/radar';
import { rocCurves, rocFromScores } from '../../lib/plot/roc';
import { roundLinePanels, roundLines } from '../../lib/plot/round-lines';
import { Rng } from '../../lib/engine/rng';
import { meanCi } from '../../lib/results';

const rng = new Rng(1);
const normals = (n: number, mu: number) => Array.from({ length: n }, () => mu + rng.normal());

/** A 3-image RGB dataset whose normalised pixels de-normalise to known colours. */
function tinyRgbDataset() {
  const mean = [0.5, 0.4, 0.3];
  const std = [0.2, 0.25, 0.5];
  const raw = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  const images = new Float32Array(3 * 4 * 4 * 3);
  for (let i = 0; i < 3; i++) for (let p = 0; p < 16; p++) for (let c = 0; c < 3; c++) images[(i * 16 + p) * 3 + c] = (raw[i][c] - mean[c]) / std[c];
  return makeDataset({ name: 'tiny', split: 'test', images, labels: Int32Array.from([0, 1, 2]), ids: Int32Array.from([10, 11, 12]), shape: [4, 4, 3], classNames: ['r', 'g', 'b'], mean, std });
}

function decodeDataUri(uri: string): PNG {
  expect(uri.startsWith('data:image/png;base64,')).toBe(true);
  return PNG.sync.read(Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64'));
}

describe('loss distribution figures', () => {
  it('histograms share one set of bins over the pooled range, with density and log-y options', () => {
    const fig = lossHistogram({ forget: [0, 1, 2], test: [3, 4] }, { bins: 4, logY: true });
    expect(fig.data).toHaveLength(2);
    expect(fig.data[0].xbins).toEqual(fig.data[1].xbins);
    expect((fig.data[0].xbins as { start: number; size: number }).start).toBe(0);
    expect((fig.data[0].xbins as { size: number }).size).toBeCloseTo(1);
    expect(fig.data[0].histnorm).toBe('probability density');
    expect((fig.layout.yaxis as { type?: string }).type).toBe('log');
    expect(fig.data[0].marker).toEqual({ color: '#d62728' });
    expect(() => lossHistogram({ forget: [1, NaN] })).toThrow(/group 'forget'.*NaN.*position 1/);
    expect(() => lossHistogram({})).toThrow(/no groups/);
  });

  it('kernel densities integrate to about 1', () => {
    const fig = lossDensity({ retain: normals(300, 0) }, { points: 400 });
    const x = fig.data[0].x as number[];
    const y = fig.data[0].y as number[];
    const integral = y.reduce((s, v, i) => s + (i > 0 ? v * (x[i] - x[i - 1]) : 0), 0);
    expect(integral).toBeGreaterThan(0.97);
    expect(integral).toBeLessThan(1.03);
  });

  it('densities of non-negative losses start at 0, put no mass below it and keep the density at 0 (reflection)', () => {
    // Exponential(1) losses: the true density is 1 at 0 and integrates to 1 over [0, inf).
    const losses = Array.from({ length: 2000 }, () => -Math.log(1 - rng.next()));
    const fig = lossDensity({ forget: losses, test: losses.map((v) => 2 * v) }, { points: 400 });
    for (const t of fig.data) {
      const x = t.x as number[];
      const y = t.y as number[];
      expect(x[0]).toBe(0);
      expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
      expect(Math.min(...y)).toBeGreaterThanOrEqual(0);
      const integral = y.reduce((s, v, i) => s + (i > 0 ? ((v + y[i - 1]) / 2) * (x[i] - x[i - 1]) : 0), 0);
      expect(integral).toBeGreaterThan(0.98);
      expect(integral).toBeLessThan(1.02);
    }
    // A plain Gaussian KDE halves the density at the boundary (about 0.5 here); the reflected one does not.
    expect((fig.data[0].y as number[])[0]).toBeGreaterThan(0.8);
    expect((fig.layout.xaxis as { range: number[] }).range[0]).toBe(0);
    expect(gaussianKde([0.1, 0.2], [-0.5, -0.01], 0.3, 0)).toEqual([0, 0]);
    // Values that can be negative keep the unbounded estimate; a bound they cross is refused.
    expect(Math.min(...(lossDensity({ z: normals(100, 0) }).data[0].x as number[]))).toBeLessThan(-2);
    expect(() => lossDensity({ z: [-1, 1] }, { lowerBound: 0 })).toThrow(/lowerBound is 0 but a value is -1/);
  });

  it('the probit transform maps a sample to about N(0,1) and keeps shifted groups apart with a pooled CDF', () => {
    const z = probitTransform(normals(2000, 5).map(Math.exp));
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(sd).toBeGreaterThan(0.95);
    expect(sd).toBeLessThan(1.02);
    expect(z.every(Number.isFinite)).toBe(true);
    const groups = { forget: normals(500, 0).map((v) => Math.exp(v - 1)), test: normals(500, 0).map((v) => Math.exp(v + 1)) };
    const avg = (a: unknown) => (a as number[]).reduce((s, v) => s + v, 0) / (a as number[]).length;
    const pooled = probitLossDistribution(groups);
    expect(avg(pooled.data[1].x) - avg(pooled.data[0].x)).toBeGreaterThan(1);
    const own = probitLossDistribution(groups, { reference: 'own' });
    expect(Math.abs(avg(own.data[1].x) - avg(own.data[0].x))).toBeLessThan(0.05);
    expect(pooled.data[2].name).toBe('N(0,1)');
  });
});

/** A log axis whose labels cannot crowd: powers of ten with unlabelled minor ticks, 1-2-5 labels, or under a decade (plotly's full-number ticks). */
function expectQuietLogAxis(ax: unknown) {
  const a = ax as { type: string; range: number[]; dtick?: number; minor?: { dtick: string }; tickvals?: number[] };
  expect(a.type).toBe('log');
  const span = a.range[1] - a.range[0];
  if (span >= 2) {
    expect(Number.isInteger(a.dtick)).toBe(true);
    if (a.dtick === 1) expect(a.minor?.dtick).toBe('D1');
  } else if (span >= 1) {
    for (const v of a.tickvals!) expect([1, 2, 5]).toContain(Number((v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toFixed(6)));
  } else {
    expect(a.dtick).toBeUndefined();
  }
}

describe('log axes label powers of ten or 1-2-5 values, never the crowded digits between', () => {
  it('picks the ticks from the span of the values it draws', () => {
    const decades = logAxis([1e-3, 0.02, 1, 0]);
    expect(decades).toMatchObject({ type: 'log', dtick: 1, minor: { dtick: 'D1' }, exponentformat: 'power' });
    expect((decades.range as number[])[0]).toBeLessThan(-3);
    expect(logAxis([0.15, 2.4])).toMatchObject({ tickmode: 'array', tickvals: [0.2, 0.5, 1, 2] });
    expect(logAxis([1e-9, 1e3]).dtick).toBe(2);
    const narrow = logAxis([3, 8]);
    expect(narrow.dtick).toBeUndefined();
    expect(narrow.tickvals).toBeUndefined();
    expect(logAxis([0, -1])).toEqual({ type: 'log' });
  });

  it('every log axis the builders make carries those ticks', () => {
    const losses = Array.from({ length: 3000 }, () => Math.exp(3 * rng.normal() - 4));
    const figs: [Figure, string][] = [
      [lossHistogram({ train: losses }, { logY: true, density: false }), 'yaxis'],
      [lossHistogram({ forget: [0, 1, 2], test: [3, 4] }, { bins: 4, logY: true }), 'yaxis'],
      [lossHistogramPanels([{ title: 'a', groups: { forget: losses } }, { title: 'b', groups: { forget: losses.slice(0, 50) } }], { logY: true }), 'yaxis2'],
      [lossDensity({ forget: losses.slice(0, 300) }, { logY: true }), 'yaxis'],
      [rocCurves([{ name: 'MIA', scores: [0.9, 0.3, 0.8, 0.1], labels: [1, 0, 1, 0] }]), 'xaxis'],
      [metricLines({ columns: ['k', 'mia'], rows: [[0.5, 60], [20, 50]] }, { logX: true }), 'xaxis'],
    ];
    for (const [fig, ax] of figs) expectQuietLogAxis(fig.layout[ax]);
    // Counts from 1 to about 2500: labels at 1, 10, 100, 1000 only.
    expect(figs[0][0].layout.yaxis).toMatchObject({ dtick: 1, minor: { dtick: 'D1' } });
    expect((figs[0][0].layout.yaxis as { range: number[] }).range[0]).toBeLessThan(0);
    expect((figs[4][0].layout.yaxis as { range: number[] }).range).toEqual([-3, 0]);
  });
});

describe('ROC curves', () => {
  it('computes the ROC and AUC from scores, with tied scores as one point', () => {
    expect(rocFromScores({ name: 'perfect', scores: [0.9, 0.8, 0.2, 0.1], labels: [1, 1, 0, 0] }).auc).toBeCloseTo(1);
    expect(rocFromScores({ name: 'inverted', scores: [0.1, 0.2, 0.8, 0.9], labels: [1, 1, 0, 0] }).auc).toBeCloseTo(0);
    const tied = rocFromScores({ name: 'tied', scores: [0.5, 0.5, 0.5, 0.5], labels: [1, 0, 1, 0] });
    expect(tied.fpr).toEqual([0, 1]);
    expect(tied.auc).toBeCloseTo(0.5);
    expect(() => rocFromScores({ name: 'a', scores: [1, 2], labels: [1, 1] })).toThrow(/needs both members/);
  });

  it('draws log-log curves with zeros clipped to the floor and a chance line', () => {
    const fig = rocCurves([{ name: 'loss MIA', scores: [0.9, 0.3, 0.8, 0.1], labels: [1, 0, 1, 0] }], { floor: 1e-4 });
    expect(fig.data).toHaveLength(2);
    expect(Math.min(...(fig.data[0].x as number[]))).toBe(1e-4);
    expect((fig.layout.xaxis as { type: string }).type).toBe('log');
    expect(fig.data[0].name).toMatch(/AUC 1\.000/);
  });
});

describe('metric tables, rounds and radar', () => {
  const table = {
    title: 'Table 1',
    columns: ['method', 'forget acc', 'test acc'],
    rows: [
      ['retrain', meanCi([1, 2, 3]), 80],
      ['A-CF', meanCi([4, 4, 4]), { mean: 77, ci: 1.5, n: 3 }],
    ],
  };

  it('bars: one trace per metric, error bars from the 95% CI cells', () => {
    const fig = metricBars(table);
    expect(fig.data.map((t) => t.name)).toEqual(['forget acc', 'test acc']);
    expect(fig.data[0].x).toEqual(['retrain', 'A-CF']);
    expect(fig.data[0].y).toEqual([2, 4]);
    const err = fig.data[0].error_y as { array: number[]; visible: boolean };
    expect(err.visible).toBe(true);
    expect(err.array[0]).toBeCloseTo(4.303 * (1 / Math.sqrt(3)), 2);
    expect(() => metricBars(table, { metrics: ['nope'] })).toThrow(/no column 'nope'/);
    expect(() => metricBars({ columns: ['a', 'b'], rows: [[1]] })).toThrow(/row 0 has 1 cells but there are 2 columns/);
    // A single run has no interval (ci NaN): no error bar, not a NaN one.
    const single = metricBars({ columns: ['method', 'acc'], rows: [['SU', meanCi([0.9])]] });
    expect(single.data[0].error_y).toEqual({ visible: false });
  });

  it('bars: rows sharing a label are an error, not a stacked bar; a series column gives one bar per series and label', () => {
    const twoScenarios = {
      columns: ['scenario', 'method', 'acc'],
      rows: [
        ['IPC 2', 'blend', meanCi([70, 71])],
        ['IPC 2', 'dm', meanCi([50, 52])],
        ['IPC 10', 'blend', meanCi([80, 81])],
        ['IPC 10', 'dm', meanCi([70, 72])],
      ],
    };
    // The bug this guards against: two rows per method drawn as one x category, stacked to 150 %.
    expect(() => metricBars(twoScenarios, { labelColumn: 'method' })).toThrow(/rows 0 and 2 share the label 'blend', so their bars would stack/);
    const fig = metricBars(twoScenarios, { labelColumn: 'method', seriesColumn: 'scenario', metrics: ['acc'] });
    expect(fig.data.map((t) => t.name)).toEqual(['IPC 2', 'IPC 10']);
    for (const trace of fig.data) expect(trace.x).toEqual(['blend', 'dm']);
    expect(fig.data[1].y).toEqual([80.5, 71]);
    expect(() => metricBars({ ...twoScenarios, rows: [...twoScenarios.rows, ['IPC 2', 'dm', 1]] }, { labelColumn: 'method', seriesColumn: 'scenario' })).toThrow(
      /rows 1 and 4 share the label 'dm' and series 'IPC 2'/,
    );
    expect(() => metricBars({ ...twoScenarios, columns: ['scenario', 'method', 'acc'] }, { labelColumn: 'method', seriesColumn: 'scenario', metrics: ['acc', 'scenario'] })).toThrow(
      /with seriesColumn, draw exactly one metric/,
    );
  });

  it('bars and lines: reference values as dashed full-width lines with a legend entry', () => {
    const fig = metricBars(table, { references: [{ name: 'ideal MIA score 50', y: 50 }] });
    expect(fig.layout.shapes).toEqual([expect.objectContaining({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: 50, y1: 50, name: 'ideal MIA score 50', showlegend: true, line: expect.objectContaining({ dash: 'dash' }) })]);
    expect(metricBars(table).layout.shapes).toBeUndefined();
    const lines = metricLines({ columns: ['K', 'mia'], rows: [[1, 55], [10, 52]] }, { references: [{ name: 'ideal', y: 50 }] });
    expect((lines.layout.shapes as { y0: number }[])[0].y0).toBe(50);
    expect(() => metricBars(table, { references: [{ name: 'bad', y: NaN }] })).toThrow(/reference 'bad' has y NaN/);
  });

  it('dot plot: one row per label, a panel per metric with its own fitted axis, CI bars and dashed references', () => {
    const t = {
      columns: ['method', 'testAcc', 'mia'],
      rows: [
        ['original', meanCi([87, 88]), meanCi([59, 60])],
        ['retrain', meanCi([86, 86.5]), meanCi([48, 49])],
        ['cf', meanCi([85, 86]), null],
      ],
    };
    const fig = dotPlot(t, { labelColumn: 'method', references: { mia: [{ name: 'Retrain', x: 48.5 }, { name: 'ideal MIA 50', x: 50 }], testAcc: [{ name: 'Retrain', x: 86.25 }] } });
    const dots = fig.data.filter((d) => d.mode === 'markers');
    expect(dots.map((d) => [d.name, d.xaxis])).toEqual([['testAcc', 'x'], ['mia', 'x2']]);
    // Rows are y positions 0..n-1 named by the axis ticks, top to bottom; a row without a value has no dot.
    expect(dots[0].y).toEqual([0, 1, 2]);
    expect(dots[1].y).toEqual([0, 1]);
    expect(fig.layout.yaxis).toMatchObject({ ticktext: ['original', 'retrain', 'cf'], tickvals: [0, 1, 2], range: [2.5, -0.5] });
    expect((dots[0].error_x as { array: number[] }).array[0]).toBeCloseTo(meanCi([87, 88]).ci, 9);
    // Each axis fits its data and references (never from 0) and the panels sit side by side.
    const x1 = fig.layout.xaxis as { range: number[]; domain: number[] };
    const x2 = fig.layout.xaxis2 as { range: number[]; domain: number[] };
    expect(x1.range[0]).toBeGreaterThan(70);
    expect(x2.range[0]).toBeGreaterThan(30);
    expect(x2.range[0]).toBeLessThan(48.5 - meanCi([48, 49]).ci);
    expect(x1.domain[1]).toBeLessThan(x2.domain[0]);
    // References: dashed vertical lines over all rows; a name repeated in several panels has one legend entry.
    const refs = fig.data.filter((d) => d.mode === 'lines');
    expect(refs.map((d) => [d.name, d.xaxis, d.showlegend])).toEqual([['Retrain', 'x', true], ['Retrain', 'x2', false], ['ideal MIA 50', 'x2', true]]);
    expect(refs[2].x).toEqual([50, 50]);
    expect(refs[2].y).toEqual([-0.5, 2.5]);
    expect(() => dotPlot({ ...t, rows: [...t.rows, ['cf', 1, 2]] }, { labelColumn: 'method' })).toThrow(/rows 2 and 3 share the label 'cf'/);
    expect(() => dotPlot(t, { references: { nope: [] } })).toThrow(/no column 'nope'/);
  });

  it('dot plot: cuts CI bars and the axis at the metric bounds, so an accuracy CI does not run past 0 or 100', () => {
    const t = { columns: ['method', 'forgetAcc'], rows: [['retrain', { mean: 0, ci: 0, n: 3 }], ['modular', { mean: 66.4, ci: 75.3, n: 3 }]] };
    const cut = dotPlot(t, { labelColumn: 'method', bounds: { forgetAcc: [0, 100] } });
    const e = cut.data[0].error_x as { array: number[]; arrayminus: number[]; symmetric: boolean };
    expect(e.symmetric).toBe(false);
    expect(e.array[1]).toBeCloseTo(100 - 66.4, 9);
    expect(e.arrayminus[1]).toBeCloseTo(66.4, 9);
    const range = (f: typeof cut) => (f.layout.xaxis as { range: number[] }).range;
    expect(range(cut)[0]).toBeGreaterThan(-10);
    expect(range(cut)[1]).toBeLessThan(110);
    // Without bounds the same CI runs to -8.9 and 141.7.
    expect(range(dotPlot(t, { labelColumn: 'method' }))[1]).toBeGreaterThan(140);
  });

  it('titles: long ones wrap at word boundaries to fit the figure width (plotly clips them), the short text stays one line', () => {
    const long = 'Fig. 3: five objectives, class-wise (Fashion-MNIST (600 images per class), ConvNet width 32)';
    const lines = wrapTitle(long, 400);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(Math.floor((400 - 40) / 9));
    expect(lines.join(' ')).toBe(long);
    expect(wrapTitle('short', 800)).toEqual(['short']);
    const layout = baseLayout(long, { width: 400, height: 300, margin: { l: 20, r: 20, t: 50, b: 20 } });
    expect((layout.title as { text: string }).text.split('<br>')).toEqual(lines);
    expect(layout.height).toBe(300 + 26 * (lines.length - 1));
    expect((layout.margin as { t: number }).t).toBe(50 + 26 * (lines.length - 1));
    expect(figureTitle({ data: [], layout })).toBe(long);
  });

  it('lines: a sweep against a numeric column', () => {
    const fig = metricLines({ columns: ['K', 'acc'], rows: [[1, 0.5], [10, 0.7]] }, { logX: true });
    expect(fig.data[0].x).toEqual([1, 10]);
    expect(fig.data[0].y).toEqual([0.5, 0.7]);
    // A log x axis labelled at the swept values themselves.
    expect(fig.layout.xaxis).toMatchObject({ type: 'log', tickmode: 'array', tickvals: [1, 10], ticktext: ['1', '10'] });
  });

  it('lines against a few integers (cycles, epochs): ticks at those values only, not at 1.5', () => {
    const fig = metricLines({ columns: ['cycle', 'acc'], rows: [[1, 80], [2, 81], [3, 82]] });
    expect(fig.layout.xaxis).toMatchObject({ tickmode: 'array', tickvals: [1, 2, 3], ticktext: ['1', '2', '3'] });
    // Fractions keep plotly's own ticks.
    expect(metricLines({ columns: ['f', 'acc'], rows: [[0.1, 80], [0.5, 81]] }).layout.xaxis).not.toHaveProperty('tickvals');
  });

  it('lines with bounds: the axis spans them and a CI bar is cut where it would cross one', () => {
    const ci = (mean: number, half: number) => ({ mean, ci: half, n: 3 });
    const fig = metricLines({ columns: ['n', 'acc'], rows: [[64, ci(85, 10)], [512, ci(30, 40)], [1024, ci(50, 5)]] }, { bounds: [0, 100] });
    expect(fig.data[0].error_y).toMatchObject({ symmetric: false, array: [10, 40, 5], arrayminus: [10, 30, 5] });
    const over = metricLines({ columns: ['n', 'acc'], rows: [[64, ci(95, 10)]] }, { bounds: [0, 100] });
    expect(over.data[0].error_y).toMatchObject({ array: [5], arrayminus: [10] });
    expect((fig.layout.yaxis as { range: number[] }).range).toEqual([-3, 103]);
  });

  it('lines with a half-open bound (seconds >= 0): bars stop at 0, the axis fits the data', () => {
    const ci = (mean: number, half: number) => ({ mean, ci: half, n: 3 });
    const fig = metricLines({ columns: ['K', 'seconds'], rows: [[3, ci(12.8, 16.7)], [30, ci(8.8, 4)]] }, { bounds: [0, Infinity] });
    expect(fig.data[0].error_y).toMatchObject({ symmetric: false, array: [16.7, 4], arrayminus: [12.8, 4] });
    expect(fig.layout.yaxis).not.toHaveProperty('range');
  });

  it('rounds with bounds: bands and panel CI bars stop at the bounds; the axis fits the data', () => {
    const band = roundLines([{ name: 'acc', values: [95, 50], ci: [10, 10] }], { bounds: [0, 100] });
    expect(band.data[0].y).toEqual([100, 60, 40, 85]);
    const fig = roundLinePanels(
      [
        { title: 'CF', series: [{ name: 'cf', values: [98, 2], ci: [5, 5] }] },
        { title: 'L1', series: [{ name: 'l1', values: [50], ci: [4] }] },
      ],
      { bounds: [0, 100] },
    );
    expect(fig.data[0].error_y).toMatchObject({ symmetric: false, array: [2, 5], arrayminus: [5, 2] });
    expect((fig.layout.yaxis as { range?: number[] }).range).toBeUndefined();
    expect(fig.layout.yaxis2).toMatchObject({ matches: 'y' });
    expect(roundLinePanels([{ title: 'CF', series: [{ name: 'cf', values: [98], ci: [5] }] }]).data[0].error_y).toMatchObject({ array: [5] });
  });

  it('rounds: CI bands close around the line', () => {
    const fig = roundLines([{ name: 'forget acc', values: [0.9, 0.5, 0.1], ci: [0.1, 0.1, 0.1] }]);
    expect(fig.data).toHaveLength(2);
    expect(fig.data[0].x).toEqual([1, 2, 3, 3, 2, 1]);
    expect((fig.data[0].y as number[])[0]).toBeCloseTo(1.0);
    expect(fig.data[1].x).toEqual([1, 2, 3]);
    expect(() => roundLines([{ name: 'x', values: [1, 2], rounds: [1] }])).toThrow(/1 rounds but 2 values/);
  });

  it('radar: closed polygons from arrays or keyed values', () => {
    const fig = radarChart(['utility', 'forgetting', 'speed'], [{ name: 'SULI', values: { utility: 0.9, forgetting: 0.8, speed: 0.7 } }]);
    expect(fig.data[0].r).toEqual([0.9, 0.8, 0.7, 0.9]);
    expect(fig.data[0].theta).toEqual(['utility', 'forgetting', 'speed', 'utility']);
    expect(() => radarChart(['a', 'b', 'c'], [{ name: 'm', values: { a: 1 } }])).toThrow(/no value for axis 'b'/);
  });

  it('radar: small multiples, one polar panel per method, with the reference outlined in the others', () => {
    const names = ['Retrain', 'NegGrad', 'Random Label', 'Initial Label', 'Boundary Shrink', 'ADV+IMP', 'SU', 'SULI'];
    const axes = ['model utility', 'unlearning effectiveness', 'handling new data', 'thoroughness', 'efficiency'];
    const fig = radarChart(axes, names.map((name, i) => ({ name, values: axes.map((_, k) => ((i + k) % 5) / 4) })), { reference: 'Retrain', range: [0, 1] });
    const polars = Object.keys(fig.layout).filter((k) => /^polar\d*$/.test(k));
    expect(polars).toHaveLength(names.length);
    const bySubplot = new Map<string, typeof fig.data>();
    for (const t of fig.data) bySubplot.set(String(t.subplot), [...(bySubplot.get(String(t.subplot)) ?? []), t]);
    expect([...bySubplot.keys()].sort()).toEqual([...polars].sort());
    names.forEach((name, i) => {
      const traces = bySubplot.get(i === 0 ? 'polar' : `polar${i + 1}`)!;
      expect(traces[0].name).toBe(name);
      // The method's polygon, plus the dashed Retrain outline in every panel but Retrain's own.
      expect(traces).toHaveLength(i === 0 ? 1 : 2);
      if (i > 0) expect(traces[1]).toMatchObject({ name: 'Retrain', line: { dash: 'dash' } });
    });
    expect(fig.data.filter((t) => t.showlegend !== false).map((t) => t.name)).toEqual(['Retrain']);
    // Panels do not overlap, each is titled, and long axis names are wrapped to fit beside them.
    const domains = polars.map((p) => (fig.layout[p] as { domain: { x: number[]; y: number[] } }).domain);
    domains.forEach((a, i) =>
      domains.slice(i + 1).forEach((b) => expect(a.x[1] <= b.x[0] || b.x[1] <= a.x[0] || a.y[1] <= b.y[0] || b.y[1] <= a.y[0]).toBe(true)),
    );
    expect((fig.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(names.map((n) => `<b>${n}</b>`));
    expect(fig.data[0].theta).toContain('unlearning<br>effectiveness');
    expect(() => radarChart(axes, [{ name: 'SU', values: [1, 1, 1, 1, 1] }], { reference: 'Retrain' })).toThrow(/reference 'Retrain' is not a series/);
  });
});

describe('image figures', () => {
  it('image grid: de-normalised tiles in one PNG mosaic, picked by id, with class captions', () => {
    const ds = tinyRgbDataset();
    const fig = imageGrid(ds, [12, 10], { cols: 2, scale: 1, captions: 'class' });
    const png = decodeDataUri(fig.data[0].source as string);
    // Tile 0 is id 12 (blue), tile 1 is id 10 (red); padding is 2 px, so (1,1) is inside tile 0.
    const px = (x: number, y: number) => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));
    expect(px(1, 1)).toEqual([0, 0, 255]);
    expect(px(6 + 1, 1)).toEqual([255, 0, 0]);
    expect((fig.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(['b', 'r']);
    expect(() => imageGrid(ds, [99])).toThrow(/sample id 99 is not in this dataset/);
  });

  it('heat-map overlay: the map is stretched over the image and bad maps are refused', () => {
    const ds = tinyRgbDataset();
    const fig = heatmapOverlay(ds, 11, { values: [0, 1, 2, 3], height: 2, width: 2 }, { scale: 10 });
    expect(fig.data[1].z).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(fig.data[1].dx).toBe(20);
    const png = decodeDataUri(fig.data[0].source as string);
    expect(png.width).toBe(40);
    expect(Array.from(png.data.subarray(0, 3))).toEqual([0, 255, 0]);
    expect(() => heatmapOverlay(ds, 11, { values: [0, 1, 2], height: 2, width: 2 })).toThrow(/expected height\*width/);
  });

  it('heat-map grid: one figure, a row per model under a row of plain images, a titled column per image, one colour scale', () => {
    const ds = tinyRgbDataset();
    const ids = [12, 10, 11];
    const map = (v: number) => ({ values: [0, v, v / 2, 1], height: 2, width: 2 });
    const rows = [
      { name: 'Original', maps: ids.map(() => map(1)) },
      { name: 'SULI', maps: ids.map(() => map(0.5)) },
    ];
    const fig = heatmapOverlayGrid(ds, ids, rows, { scale: 10 });
    const heat = fig.data.filter((t) => t.type === 'heatmap');
    expect(fig.data.filter((t) => t.type === 'image')).toHaveLength(3 * ids.length);
    expect(heat).toHaveLength(rows.length * ids.length);
    expect(heat.every((t) => t.coloraxis === 'coloraxis')).toBe(true);
    expect(fig.layout.coloraxis).toMatchObject({ cmin: 0, cmax: 1 });
    // Every trace in its own cell; cells in a grid that does not overlap, each exactly 40 x 40 px (square pixels).
    const cells = new Set(fig.data.map((t) => `${String(t.xaxis)}/${String(t.yaxis)}`));
    expect(cells.size).toBe(3 * ids.length);
    const m = fig.layout.margin as { l: number; r: number; t: number; b: number };
    const plotW = (fig.layout.width as number) - m.l - m.r;
    const plotH = (fig.layout.height as number) - m.t - m.b;
    const xs = Object.keys(fig.layout).filter((k) => /^xaxis\d*$/.test(k)).map((k) => (fig.layout[k] as { domain: number[] }).domain);
    const ys = Object.keys(fig.layout).filter((k) => /^yaxis\d*$/.test(k)).map((k) => (fig.layout[k] as { domain: number[] }).domain);
    for (const d of xs) expect((d[1] - d[0]) * plotW).toBeCloseTo(40, 6);
    for (const d of ys) expect((d[1] - d[0]) * plotH).toBeCloseTo(40, 6);
    expect(new Set(xs.map((d) => d[0])).size).toBe(ids.length);
    expect(new Set(ys.map((d) => d[0])).size).toBe(3);
    // The heat of row r, column c sits in row r + 1 (under the images), column c: SULI's last map is in the bottom-right cell.
    const last = heat[heat.length - 1];
    expect(last.z).toEqual([[0, 0.5], [0.25, 1]]);
    expect((fig.layout[String(last.xaxis).replace('x', 'xaxis')] as { domain: number[] }).domain[1]).toBeCloseTo(1, 9);
    expect((fig.layout[String(last.yaxis).replace('y', 'yaxis')] as { domain: number[] }).domain[0]).toBeCloseTo(0, 9);
    const texts = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
    expect(texts).toEqual(['<b>image</b>', '<b>Original</b>', '<b>SULI</b>', 'b<br>#12', 'r<br>#10', 'g<br>#11']);
    expect(heatmapOverlayGrid(ds, ids, rows, { showImages: false }).data).toHaveLength(2 * rows.length * ids.length);
    expect(() => heatmapOverlayGrid(ds, ids, [{ name: 'SU', maps: [map(1)] }])).toThrow(/row 'SU' has 1 heat maps for 3 ids/);
  });

  it('t-SNE separates two clusters and is reproducible with a seed', () => {
    const features = [...Array.from({ length: 15 }, () => normals(5, 0)), ...Array.from({ length: 15 }, () => normals(5, 20))];
    const a = tsne2d(features, { seed: 3, iterations: 300 });
    const b = tsne2d(features, { seed: 3, iterations: 300 });
    expect(a).toEqual(b);
    const centre = (pts: [number, number][]) => [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
    const spread = (pts: [number, number][]) => {
      const c = centre(pts);
      return Math.sqrt(pts.reduce((s, p) => s + (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2, 0) / pts.length);
    };
    const c0 = centre(a.slice(0, 15));
    const c1 = centre(a.slice(15));
    expect(Math.hypot(c0[0] - c1[0], c0[1] - c1[1])).toBeGreaterThan(2 * Math.max(spread(a.slice(0, 15)), spread(a.slice(15))));
    const fig = embeddingScatter(a, [...Array(15).fill(0), ...Array(15).fill(1)], { labelNames: ['retain', 'forget'] });
    expect(fig.data.map((t) => t.name)).toEqual(['retain', 'forget']);
    expect(() => tsne2d([[1, 2], [3]])).toThrow(/row 1 has 1 values/);
  });
});

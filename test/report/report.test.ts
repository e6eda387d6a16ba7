import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lossHistogram } from '../../lib/plot/loss-histogram';
import { figureImages } from '../../lib/plot/static-image';
import { toDataFrame } from '../../lib/report/dataframe';
import { tableToCsv, writeJson, writeTableCsv } from '../../lib/report/export';
import { HtmlReport } from '../../lib/report/html-report';
import { showTable, tableHtml, tableText } from '../../lib/report/html-table';
import { currentPreset } from '../../lib/report/notebook';
import { notebookProgress, progressSink } from '../../lib/report/notebook-progress';
import { meanCi, type Table } from '../../lib/results';
import { describeProgress, ProgressTracker } from '../../lib/train/progress';
import { nonBackgroundFraction } from '../plot/png-check';

const table: Table = {
  title: 'Unlearning, 3 seeds',
  columns: ['method', 'forget acc', 'runs'],
  rows: [
    ['retrain', meanCi([10, 12, 14]), 3],
    ['fine-tune, "CF"', { mean: 20, ci: 0.5, n: 3 }, 3],
  ],
};

describe('tables', () => {
  it('danfojs DataFrame: mean +- CI as text, or split into numeric columns', () => {
    const df = toDataFrame(table);
    expect(df.shape).toEqual([2, 3]);
    expect(df.columns).toEqual(['method', 'forget acc', 'runs']);
    expect(df['forget acc'].values).toEqual(['12.00 ± 4.97', '20.00 ± 0.50']);
    const split = toDataFrame(table, { meanCi: 'split' });
    expect(split.columns).toEqual(['method', 'forget acc', 'forget acc ci95', 'runs']);
    expect(split['forget acc'].values).toEqual([12, 20]);
    expect((split['forget acc ci95'].values as number[])[1]).toBe(0.5);
    expect(split['runs'].mean()).toBe(3);
  });

  it('CSV keeps mean, ci and n as numbers and quotes fields with commas', () => {
    const csv = tableToCsv(table).trim().split('\n');
    expect(csv[0]).toBe('method,forget acc,forget acc ci95,forget acc n,runs');
    expect(csv[1]).toMatch(/^retrain,12,4\.96\d*,3,3$/);
    expect(csv[2]).toBe('"fine-tune, ""CF""",20,0.5,3,3');
  });

  it('a single run has no interval: CSV leaves ci95 empty, text shows n=1', () => {
    const one: Table = { columns: ['method', 'acc'], rows: [['SU', meanCi([91.2])]] };
    expect(tableToCsv(one)).toBe('method,acc,acc ci95,acc n\nSU,91.2,,1\n');
    expect(tableText(one)).toContain('91.20 (n=1)');
    expect(tableText(one)).not.toContain('±');
  });

  it('writes CSV and JSON atomically, leaving no temp files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-report-'));
    writeTableCsv(table, path.join(dir, 'sub', 't.csv'));
    writeJson({ table, losses: Float32Array.from([0.5, 1]), bad: NaN }, path.join(dir, 't.json'));
    expect(fs.readdirSync(dir).sort()).toEqual(['sub', 't.json']);
    expect(fs.readdirSync(path.join(dir, 'sub'))).toEqual(['t.csv']);
    const back = JSON.parse(fs.readFileSync(path.join(dir, 't.json'), 'utf8'));
    expect(back.losses).toEqual([0.5, 1]);
    expect(back.bad).toBe('NaN');
    expect(back.table.rows[0][1].n).toBe(3);
  });

  it('HTML and text views escape content and name bad cells', () => {
    expect(tableHtml(table)).toContain('<td style="text-align:left">fine-tune, &quot;CF&quot;</td>');
    expect(tableText(table).split('\n')[1]).toMatch(/^method\s+forget acc\s+runs$/);
    expect(() => tableHtml({ columns: ['a'], rows: [[{ mean: 1 } as never]] })).toThrow(/cell \(row 0, column 'a'\)/);
  });
});

describe('HTML report', () => {
  it('writes tables and figures as embedded PNG images, no scripts', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-report-')), 'results', 'r.html');
    const [image] = await figureImages([{ figure: lossHistogram({ forget: [0.1, 0.3, 0.2], test: [0.9, 1.4, 2] }, { bins: 5 }), caption: 'forget vs test' }]);
    expect(image.alt).toBe('forget vs test');
    const report = new HtmlReport({ title: 'Smoke report', meta: ['preset: smoke'] })
      .heading('Losses')
      .image(image)
      .table(table)
      .text('done <ok>');
    expect(report.write(file)).toBe(file);
    const html = fs.readFileSync(file, 'utf8');
    const imgs = [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)];
    expect(imgs).toHaveLength(1);
    expect(nonBackgroundFraction(Buffer.from(imgs[0][1], 'base64')).fraction).toBeGreaterThan(0.01);
    expect(html).toContain('<figcaption>forget vs test</figcaption>');
    expect(html).toContain('12.00 ± 4.97');
    expect(html).toContain('done &lt;ok&gt;');
    expect(html).not.toContain('<script');
    expect(() => report.image({ png: new Uint8Array(0), alt: 'x' })).toThrow(/png must be non-empty PNG bytes/);
  });
});

describe('progress lines', () => {
  it('print whole numbers (seed, IPC) as integers and fractions to 4 places', () => {
    const line = describeProgress({ task: 'bench', done: 10, total: 45, elapsed: 1, eta: 2, info: { seed: 0, ipc: 10, acc: 0.91234567, method: 'gm' } });
    expect(line).toBe('bench | 10/45 | seed 0 | ipc 10 | acc 0.9123 | method gm | 1s elapsed, ETA 2s');
  });
});

describe('notebook helpers', () => {
  afterEach(() => {
    delete (globalThis as { __tslab__?: unknown }).__tslab__;
    vi.unstubAllEnvs();
  });

  it('the preset comes from UNLEARN_PRESET, with a clear error for unknown names', () => {
    vi.stubEnv('UNLEARN_PRESET', 'smoke');
    expect(currentPreset()).toBe('smoke');
    vi.stubEnv('UNLEARN_PRESET', '');
    expect(currentPreset()).toBe('cpu');
    vi.stubEnv('UNLEARN_PRESET', 'huge');
    expect(() => currentPreset()).toThrow(/Unknown preset 'huge' in environment variable UNLEARN_PRESET/);
  });

  it('outside a notebook: tables print as text and progress goes to the terminal sink', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    showTable(table);
    expect(log.mock.calls[0][0]).toContain('retrain');
    log.mockRestore();
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stderrTty = process.stderr.isTTY;
    (process.stderr as { isTTY?: boolean }).isTTY = false;
    let written = '';
    try {
      progressSink()({ task: 'fit', done: 5, total: 5, elapsed: 1, eta: 0 });
      written = err.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      (process.stderr as { isTTY?: boolean }).isTTY = stderrTty;
      err.mockRestore();
    }
    expect(written).toMatch(/^fit \| 5\/5/);
  });

  it('in a tslab kernel: progress updates one display in place, tables show as HTML', () => {
    const jupyter = createRequire(__filename)('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
    const sent: { data: Record<string, string>; transient: { display_id?: string }; update: boolean }[] = [];
    jupyter.lastWriteDisplayData = (d: { data: Record<string, string>; transient: { display_id?: string } }, update: boolean) => sent.push({ ...d, update });
    (globalThis as { __tslab__?: unknown }).__tslab__ = {};
    try {
      const sink = progressSink();
      const tracker = new ProgressTracker('train', 100, sink, 0);
      for (let i = 0; i <= 100; i++) tracker.update(i, { loss: 1 / (i + 1) });
      new ProgressTracker('eval', 2, notebookProgress(), 0).update(2);
      showTable(table);
    } finally {
      jupyter.lastWriteDisplayData = null;
    }
    const train = sent.filter((s) => s.data['text/plain']?.startsWith('train'));
    expect(train).toHaveLength(101);
    expect(new Set(train.map((s) => s.transient.display_id)).size).toBe(1);
    expect(train.map((s) => s.update)).toEqual([false, ...Array(100).fill(true)]);
    expect(train[100].data['text/html']).toContain('<progress value="100" max="100"');
    const evalOut = sent.find((s) => s.data['text/plain']?.startsWith('eval'))!;
    expect(evalOut.transient.display_id).not.toBe(train[0].transient.display_id);
    expect(sent.at(-1)!.data['text/html']).toContain('<table class="unlearn-lab-table"');
  });
});

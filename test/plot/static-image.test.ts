import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';
import { afterEach, describe, expect, it } from 'vitest';
import { displayClient, writeDisplay } from '../../lib/io/jupyter';
import { figureHtml, loadPlotlyInNotebook, PLOTLY_NBEXTENSION_PATH, saveFigure, show } from '../../lib/plot/display';
import { lossHistogram } from '../../lib/plot/loss-histogram';
import { rocCurves } from '../../lib/plot/roc';
import { closeFigureRenderer, figureRendererPid, renderFigures } from '../../lib/plot/static-image';
import { nonBackgroundFraction } from './png-check';

const root = path.join(__dirname, '..', '..');
/** The script's work takes a few seconds; a hang is killed at this limit. */
const EXIT_WITHIN_MS = 60_000;

/** Whether a process id is running (a zombie of an exited Chromium counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = fs.existsSync(`/proc/${pid}/stat`) ? fs.readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

const hist = lossHistogram({ forget: [0.1, 0.2, 0.2, 0.3, 1.5], test: [0.5, 0.9, 1.2, 2.2, 2.5] }, { bins: 10, title: 'losses' });
const roc = rocCurves([{ name: 'MIA', scores: [0.9, 0.7, 0.4, 0.2, 0.6, 0.1], labels: [1, 1, 1, 0, 0, 0] }]);

describe('static export with headless Chromium', () => {
  it('renders a batch of figures to non-blank PNGs of the requested size', async () => {
    const [a, b] = await renderFigures([hist, roc], { width: 640, height: 400 });
    for (const png of [a, b]) {
      const s = nonBackgroundFraction(png);
      expect([s.width, s.height]).toEqual([640, 400]);
      // Axes, bars and text cover a few percent of the image; a blank render has none.
      expect(s.fraction).toBeGreaterThan(0.01);
      expect(s.fraction).toBeLessThan(0.9);
    }
  });

  it('keeps one Chromium open across renders until closed, then launches a new one', async () => {
    await renderFigures([hist]);
    const first = await figureRendererPid();
    expect(first).toBeGreaterThan(0);
    const [svg] = await renderFigures([roc], { format: 'svg' });
    expect(svg.toString('utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(await figureRendererPid()).toBe(first);
    await closeFigureRenderer();
    expect(await figureRendererPid()).toBeNull();
    expect(alive(first!)).toBe(false);
    await renderFigures([hist]);
    const second = await figureRendererPid();
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
    await closeFigureRenderer();
  });

  it('a render that runs out of time says so, and the next render starts a fresh Chromium', async () => {
    await renderFigures([hist]);
    const before = await figureRendererPid();
    await expect(renderFigures([hist, roc], { timeoutMs: 1 })).rejects.toThrow(/renderFigures: Chromium returned no images within 1 ms; raise timeoutMs/);
    const [png] = await renderFigures([hist]);
    expect(nonBackgroundFraction(png).fraction).toBeGreaterThan(0.01);
    expect(await figureRendererPid()).not.toBe(before);
  });

  it('a script that rendered a figure exits by itself and leaves no Chromium behind', () => {
    // Same preparation as `npm test`: an up-to-date dist/ (rebuilt when lib/ is newer).
    execFileSync('bash', [path.join(root, 'kernels-config', 'setup.sh')], { cwd: root, stdio: 'inherit' });
    const run = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'render-and-exit.cjs')], { cwd: root, encoding: 'utf8', timeout: EXIT_WITHIN_MS });
    expect(run.signal, `killed after ${EXIT_WITHIN_MS} ms: the process did not exit by itself`).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { bytes: number; chromium: number };
    expect(out.bytes).toBeGreaterThan(1000);
    expect(alive(out.chromium)).toBe(false);
  }, 180_000);

  it('says how to install Chromium when it is missing, and refuses a non-figure', async () => {
    const before = process.env.UNLEARN_CHROMIUM;
    process.env.UNLEARN_CHROMIUM = '/nonexistent/chromium';
    try {
      await expect(renderFigures([hist])).rejects.toThrow(/no Chromium found.*apt-get install chromium.*UNLEARN_CHROMIUM/);
    } finally {
      if (before == null) delete process.env.UNLEARN_CHROMIUM;
      else process.env.UNLEARN_CHROMIUM = before;
    }
    await expect(renderFigures([{ data: 'x' } as never])).rejects.toThrow(/expected a Plotly figure/);
  });
});

describe('show() and saveFigure()', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-plot-test-'));
  const env = process.env.UNLEARN_FIGURE_DIR;
  afterEach(() => {
    if (env == null) delete process.env.UNLEARN_FIGURE_DIR;
    else process.env.UNLEARN_FIGURE_DIR = env;
    delete (globalThis as { __tslab__?: unknown }).__tslab__;
  });

  it('outside a notebook writes to UNLEARN_FIGURE_DIR, and saves svg/html/json by extension', async () => {
    process.env.UNLEARN_FIGURE_DIR = dir;
    await show(hist);
    expect(nonBackgroundFraction(fs.readFileSync(path.join(dir, 'losses.png'))).fraction).toBeGreaterThan(0.01);
    await saveFigure(roc, path.join(dir, 'roc.svg'));
    expect(fs.readFileSync(path.join(dir, 'roc.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    await saveFigure(roc, path.join(dir, 'roc.json'));
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'roc.json'), 'utf8')).data).toHaveLength(2);
    await expect(saveFigure(roc, path.join(dir, 'roc.gif'))).rejects.toThrow(/unknown extension '.gif'/);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('in a tslab kernel emits one bundle with interactive HTML, an <img> fallback and image/png', async () => {
    // Stand in for the kernel: tslab's executor sets __tslab__ and its jupyter module holds the writer.
    const jupyter = createRequire(__filename)('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
    const sent: { data: Record<string, string>; transient: { display_id?: string }; update: boolean }[] = [];
    jupyter.lastWriteDisplayData = (d: { data: Record<string, string>; transient: { display_id?: string } }, update: boolean) => sent.push({ ...d, update });
    (globalThis as { __tslab__?: unknown }).__tslab__ = {};
    try {
      await show(hist);
      await show(roc);
    } finally {
      jupyter.lastWriteDisplayData = null;
    }
    // plotly.js is sent once (guarded, then its output is emptied: it claims nothing), then one bundle per figure.
    expect(sent).toHaveLength(4);
    expect(sent[0].data['text/html']).toContain('if (!window.Plotly)');
    expect(sent[0].data['text/html'].length).toBeGreaterThan(1_000_000);
    expect(sent[1].update).toBe(true);
    expect(sent[1].transient.display_id).toBe(sent[0].transient.display_id);
    expect(sent[1].data).toEqual({ 'text/plain': '' });
    for (const out of sent.slice(2)) {
      expect(nonBackgroundFraction(Buffer.from(out.data['image/png'], 'base64')).fraction).toBeGreaterThan(0.01);
      expect(out.data['text/html']).toContain('<img src="data:image/png;base64,');
      expect(out.data['text/html']).toContain('Plotly.newPlot');
      // The page checks for plotly.js itself and fetches it from the Jupyter server when it lacks it.
      expect(out.data['text/html']).toContain('if (window.Plotly) { draw(window.Plotly); return; }');
      expect(out.data['text/html']).toContain(`${PLOTLY_NBEXTENSION_PATH}?v=`);
      expect(JSON.stringify(out.data)).not.toMatch(/plotly\.js loaded/i);
    }
  });

  it('sends plotly.js once to each client page (a reload is a new Jupyter session), and again when forced', async () => {
    const jupyter = createRequire(__filename)('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
    const sent: { client: string; plotly: boolean }[] = [];
    const writerFor = (client: string) =>
      Object.assign((d: { data: Record<string, string> }) => sent.push({ client, plotly: (d.data['text/html'] ?? '').includes('if (!window.Plotly)') }), { clientSession: client });
    (globalThis as { __tslab__?: unknown }).__tslab__ = {};
    const fig = { data: [], layout: { title: { text: 'x' } } };
    try {
      for (const client of ['page-A', 'page-A', 'page-B', 'page-A', 'page-B']) {
        jupyter.lastWriteDisplayData = writerFor(client);
        expect(displayClient()).toBe(client);
        loadPlotlyInNotebook();
        writeDisplay({ 'text/html': figureHtml(fig, null) });
      }
      jupyter.lastWriteDisplayData = writerFor('page-A');
      expect(loadPlotlyInNotebook(true)).toBe(true);
    } finally {
      jupyter.lastWriteDisplayData = null;
    }
    expect(sent.filter((s) => s.plotly).map((s) => s.client)).toEqual(['page-A', 'page-B', 'page-A']);
    expect(displayClient()).toBeNull();
  });

  it('figure HTML keeps </script> inside figure data from closing the script', () => {
    const html = figureHtml({ data: [], layout: { title: { text: '</script><b>x' } } }, null);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('&lt;/script&gt;&lt;b&gt;x');
  });
});

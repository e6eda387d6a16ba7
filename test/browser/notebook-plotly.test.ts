import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A real browser on a real Jupyter (issue 20): Debian's classic Notebook 6.4 and Chromium driven by
 * puppeteer-core (pointed at the system Chromium; nothing is downloaded), both installed by
 * tools/browser/install.sh when missing (never skipped: the suite fails when they cannot be installed).
 *
 * The tour notebook (UNLEARN_PRESET=smoke) is copied to a temp folder outside the repository, a notebook
 * server is started there on 127.0.0.1 with the 'unlearn-lab' kernel registered by kernels-config/setup.sh
 * into a private Jupyter data folder, and the page runs all cells. Then:
 *  1. first run: every figure is an interactive Plotly plot (hover shows labels, dragging zooms), no output says anything
 *     about plotly.js; the saved file keeps a static PNG per figure and stays small;
 *  2. reload: the saved figures load plotly.js from the notebook server (nbextensions/unlearn-lab/plotly.js)
 *     and are interactive again; a re-run figure cell is interactive;
 *  3. reload with that file blocked (as in a frontend that does not serve it): the saved figures show their
 *     static images; re-running a figure cell makes it interactive with no user action (the kernel sees a
 *     new page and sends plotly.js again).
 * Runs with `vitest run --config vitest.slow.config.mts --mode browser` (CI: .ci/run).
 */
const root = path.resolve(__dirname, '..', '..');
const NOTEBOOK = '00-fashion-mnist-tour.ipynb';
const PLOTLY_URL = '/nbextensions/unlearn-lab/plotly.js';
const CELL_WAIT_MS = 300_000;

let work: string;
let server: ChildProcess | null = null;
let serverLog = '';
let browser: Browser | null = null;
let page: Page;
let base: string;
/** The tour's figure cells: the sample grid (re-runnable on its own; hover is off on images) and the loss histogram. */
let gridCell: number;
let histogramCell: number;
const pageErrors: string[] = [];
const plotlyRequests: { url: string; blocked: boolean; status?: number }[] = [];
let blockPlotly = false;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (server?.exitCode != null) throw new Error(`jupyter notebook exited with code ${server.exitCode}:\n${serverLog.slice(-3000)}`);
    try {
      const r = await fetch(`${url}/api/status`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`jupyter notebook did not answer at ${url} within ${ms / 1000} s:\n${serverLog.slice(-3000)}`);
}

/** Runs page-side JavaScript (a function's source, called with JSON arguments): the test's type-check has no DOM types. */
function inPage<T>(fn: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`(${fn})(${args.map((a) => JSON.stringify(a)).join(', ')})`) as Promise<T>;
}

/** What the notebook's outputs say went wrong (errors and stderr), for failure messages. */
function notebookProblems(): Promise<string[]> {
  return inPage<string[]>(`function () {
    var out = [];
    if (!window.Jupyter || !Jupyter.notebook || !Jupyter.notebook._fully_loaded) return out;
    Jupyter.notebook.get_cells().forEach(function (c, i) {
      if (c.cell_type !== 'code') return;
      c.output_area.outputs.forEach(function (o) {
        if (o.output_type === 'error') out.push('cell ' + i + ': ' + o.ename + ': ' + o.evalue);
        if (o.output_type === 'stream' && o.name === 'stderr') out.push('cell ' + i + ' stderr: ' + String(o.text).slice(0, 800));
      });
    });
    return out;
  }`);
}

/** What the notebook page shows of itself, for failure messages. */
function pageState(): Promise<string> {
  return inPage<string>(`function () {
    var nb = window.Jupyter && Jupyter.notebook;
    if (!nb) return 'no Jupyter.notebook (' + document.title + ')';
    var k = nb.kernel;
    return JSON.stringify({
      loaded: nb._fully_loaded, trusted: nb.trusted,
      kernel: k ? { connected: k.is_connected(), info: Object.keys(k.info_reply || {}) } : null,
      prompts: nb.get_cells().filter(function (c) { return c.cell_type === 'code'; }).map(function (c) { return c.input_prompt_number; }),
      figures: document.querySelectorAll('[data-unlearn-lab-figure]').length,
      interactive: document.querySelectorAll('[data-unlearn-lab-figure].js-plotly-plot').length,
    });
  }`).catch((e: Error) => `unreadable (${e.message})`);
}

/** Waits until `ready` (page-side source returning true) holds; on timeout or a notebook error, fails with what the page shows. */
async function waitInPage(what: string, ready: string, ms: number, ...args: unknown[]): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await inPage<boolean>(ready, ...args)) return;
    const problems = await notebookProblems();
    if (problems.length > 0) throw new Error(`${what}: the notebook reported\n${problems.join('\n')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what}: not within ${ms / 1000} s. The page: ${await pageState()}. Page errors: ${pageErrors.join(' | ') || 'none'}. Server log:\n${serverLog.slice(-2000)}`);
}

/** Opens (or reloads) the notebook page and waits for the notebook and a connected, answering kernel. */
async function openNotebook(reload: boolean): Promise<void> {
  if (reload) await page.reload({ waitUntil: 'load' });
  else await page.goto(`${base}/notebooks/${NOTEBOOK}`, { waitUntil: 'load' });
  await waitInPage(
    'notebook page and kernel ready',
    `function () {
      var nb = window.Jupyter && Jupyter.notebook;
      return !!(nb && nb._fully_loaded && nb.kernel && nb.kernel.is_connected() && nb.kernel.info_reply && nb.kernel.info_reply.language_info);
    }`,
    120_000,
  );
}

/** Per figure output on the page: interactive (a drawn Plotly graph) or the static <img>. */
interface FigureState {
  cell: number;
  interactive: boolean;
  plotlyHandlers: boolean;
  svgs: number;
  staticImageShown: boolean;
}
function figureStates(): Promise<FigureState[]> {
  return inPage<FigureState[]>(`function () {
    var out = [];
    Jupyter.notebook.get_cells().forEach(function (c, i) {
      if (c.cell_type !== 'code') return;
      c.element[0].querySelectorAll('[data-unlearn-lab-figure]').forEach(function (el) {
        var gd = el.classList.contains('js-plotly-plot') ? el : el.querySelector('.js-plotly-plot');
        var img = el.querySelector('img');
        out.push({
          cell: i,
          interactive: !!gd && !!gd._fullLayout,
          plotlyHandlers: !!gd && typeof gd.on === 'function' && typeof gd.emit === 'function',
          svgs: el.querySelectorAll('svg.main-svg').length,
          staticImageShown: !!img && img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().height > 0,
        });
      });
    });
    return out;
  }`);
}

/** Moves the real mouse over the figure's plot area until Plotly fires plotly_hover and draws a hover label. */
async function hoverWorks(cell: number): Promise<boolean> {
  const box = await inPage<{ x: number; y: number; w: number; h: number } | null>(
    `function (cell) {
      var gd = Jupyter.notebook.get_cell(cell).element[0].querySelector('[data-unlearn-lab-figure].js-plotly-plot');
      if (!gd) return null;
      gd.scrollIntoView({ block: 'center' });
      window.__hovered = 0;
      gd.on('plotly_hover', function () { window.__hovered += 1; });
      var r = gd.querySelector('.nsewdrag').getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    }`,
    cell,
  );
  if (box == null) return false;
  for (let j = 1; j < 10; j++) {
    for (let i = 1; i < 24; i++) {
      await page.mouse.move(box.x + (box.w * i) / 24, box.y + (box.h * (10 - j)) / 10);
      const hit = await inPage<boolean>(`function (cell) {
        var el = Jupyter.notebook.get_cell(cell).element[0];
        return window.__hovered > 0 && el.querySelectorAll('.hoverlayer .hovertext').length > 0;
      }`, cell);
      if (hit) return true;
    }
  }
  return false;
}

/** Drags the real mouse across the figure's plot area: Plotly zooms (plotly_relayout with new axis ranges). */
async function dragZoomWorks(cell: number): Promise<boolean> {
  const box = await inPage<{ x: number; y: number; w: number; h: number } | null>(
    `function (cell) {
      var gd = Jupyter.notebook.get_cell(cell).element[0].querySelector('[data-unlearn-lab-figure].js-plotly-plot');
      if (!gd) return null;
      gd.scrollIntoView({ block: 'center' });
      window.__zoomed = null;
      gd.on('plotly_relayout', function (e) { window.__zoomed = e; });
      var r = gd.querySelector('.nsewdrag').getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height };
    }`,
    cell,
  );
  if (box == null) return false;
  await page.mouse.move(box.x + box.w * 0.3, box.y + box.h * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.w * 0.6, box.y + box.h * 0.6, { steps: 10 });
  await page.mouse.up();
  await new Promise((r) => setTimeout(r, 300));
  return inPage<boolean>(`function () { var e = window.__zoomed; return !!e && e['xaxis.range[0]'] !== undefined && e['xaxis.range[1]'] !== undefined; }`);
}

/** Runs one cell from the page and waits for its new execution count. */
async function rerunCell(cell: number): Promise<void> {
  const before = await inPage<number | null>(`function (i) { var n = Jupyter.notebook.get_cell(i).input_prompt_number; return typeof n === 'number' ? n : null; }`, cell);
  await inPage(`function (i) { Jupyter.notebook.get_cell(i).execute(); return true; }`, cell);
  await waitInPage(`re-run of cell ${cell}`, `function (i, before) { var n = Jupyter.notebook.get_cell(i).input_prompt_number; return typeof n === 'number' && (before === null || n > before); }`, CELL_WAIT_MS, cell, before);
  // The reply can come before the outputs (a 10 MB plotly.js output travels on another channel): wait for the figure.
  await waitInPage(`the figure of re-run cell ${cell}`, `function (i) { return Jupyter.notebook.get_cell(i).element[0].querySelectorAll('[data-unlearn-lab-figure]').length > 0; }`, 60_000, cell);
  expect(await notebookProblems()).toEqual([]);
}

/** Waits (up to 30 s: loading plotly.js and drawing) for the figure of `cell` to be interactive; then its states. */
async function settledFigure(cell: number): Promise<FigureState[]> {
  const until = Date.now() + 30_000;
  while (Date.now() < until && !(await inPage<boolean>(`function (i) { return !!Jupyter.notebook.get_cell(i).element[0].querySelector('[data-unlearn-lab-figure].js-plotly-plot'); }`, cell))) {
    await new Promise((r) => setTimeout(r, 250));
  }
  return (await figureStates()).filter((s) => s.cell === cell);
}

/** Saves the notebook from the page (as the user's Save does). */
async function save(): Promise<void> {
  await inPage(`function () { return Jupyter.notebook.save_notebook().then(function () { return true; }); }`);
}

/** The text of every output in the page's notebook model (what would be saved). */
function outputTexts(): Promise<string> {
  return inPage<string>(`function () {
    return JSON.stringify(Jupyter.notebook.get_cells().map(function (c) { return c.cell_type === 'code' ? c.output_area.outputs : []; }));
  }`);
}

describe('plotly figures in the classic Jupyter Notebook, in Chromium (real browser)', () => {
  beforeAll(async () => {
    // The Debian packages: installs them when missing, fails with the command to run when it cannot.
    try {
      execFileSync('bash', [path.join(root, 'tools', 'browser', 'install.sh')], { stdio: 'inherit', timeout: 600_000 });
    } catch (e) {
      throw new Error(`the browser suite needs Debian's jupyter-notebook and chromium, and tools/browser/install.sh could not install them (${(e as Error).message.split('\n')[0]}); run: sudo bash tools/browser/install.sh`);
    }
    const chromium = process.env.UNLEARN_CHROMIUM || '/usr/bin/chromium';
    if (!fs.existsSync(chromium)) throw new Error(`no Chromium at ${chromium}: run sudo bash tools/browser/install.sh (or set UNLEARN_CHROMIUM to a Chromium binary)`);

    work = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-browser-'));
    const env = {
      ...process.env,
      JUPYTER_DATA_DIR: path.join(work, 'data'),
      JUPYTER_CONFIG_DIR: path.join(work, 'config'),
      JUPYTER_RUNTIME_DIR: path.join(work, 'runtime'),
      UNLEARN_PRESET: 'smoke',
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    };
    // What a user runs: Debian packages, npm ci, build, and the kernel (here into the private data folder).
    execFileSync('bash', [path.join(root, 'kernels-config', 'setup.sh')], { cwd: root, env, stdio: 'inherit', timeout: 600_000 });
    const notebooks = path.join(work, 'notebooks');
    fs.mkdirSync(notebooks);
    fs.copyFileSync(path.join(root, 'notebooks', NOTEBOOK), path.join(notebooks, NOTEBOOK));

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const args = ['notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', '--NotebookApp.token=', '--NotebookApp.password=', `--notebook-dir=${notebooks}`];
    if (process.getuid?.() === 0) args.push('--allow-root');
    server = spawn('jupyter', args, { cwd: notebooks, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
    await waitForServer(base, 60_000);

    browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      userDataDir: path.join(work, 'chromium-profile'),
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=1400,1000'],
      defaultViewport: { width: 1400, height: 1000 },
    });
    page = await browser.newPage();
    // Leaving a notebook with unsaved changes asks first (beforeunload): answer as a user would.
    page.on('dialog', (d) => void d.accept());
    page.on('pageerror', (e) => pageErrors.push(String((e as Error).message ?? e)));
    await page.setRequestInterception(true);
    page.on('request', (req: HTTPRequest) => {
      if (req.url().includes(PLOTLY_URL)) {
        plotlyRequests.push({ url: req.url(), blocked: blockPlotly });
        if (blockPlotly) return void req.abort();
      }
      void req.continue();
    });
    page.on('response', (res) => {
      const r = plotlyRequests.find((q) => q.url === res.url() && q.status == null && !q.blocked);
      if (r) r.status = res.status();
    });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    if (server != null && server.exitCode == null) {
      // SIGTERM: the notebook server shuts its kernels down, then exits.
      server.kill('SIGTERM');
      const exited = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 30_000);
        server!.once('exit', () => (clearTimeout(t), resolve(true)));
      });
      if (!exited) server.kill('SIGKILL');
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('first run: every figure is an interactive Plotly plot, hover works, nothing claims plotly.js is loaded', async () => {
    await openNotebook(false);
    const t0 = Date.now();
    await inPage(`function () { Jupyter.notebook.execute_all_cells(); return true; }`);
    await waitInPage(
      'run all cells',
      `function () {
        return Jupyter.notebook.get_cells().every(function (c) { return c.cell_type !== 'code' || typeof c.input_prompt_number === 'number'; });
      }`,
      CELL_WAIT_MS,
    );
    console.log(`browser: ran all cells of ${NOTEBOOK} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const states = await figureStates();
    expect(states).toHaveLength(2);
    for (const s of states) expect(s).toMatchObject({ interactive: true, plotlyHandlers: true, staticImageShown: false });
    for (const s of states) expect(s.svgs).toBeGreaterThan(0);
    [gridCell, histogramCell] = states.map((s) => s.cell);
    expect(await hoverWorks(histogramCell)).toBe(true);
    expect(await dragZoomWorks(gridCell)).toBe(true);
    expect(await outputTexts()).not.toMatch(/plotly\.js loaded/i);
    expect(await notebookProblems()).toEqual([]);
  });

  it('saved: each figure keeps a static PNG and the file stays small (no copy of plotly.js)', async () => {
    await save();
    const file = path.join(work, 'notebooks', NOTEBOOK);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.length).toBeLessThan(2_000_000);
    expect(text).not.toMatch(/plotly\.js loaded/i);
    const nb = JSON.parse(text) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
    const figures = nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => String([o.data?.['text/html'] ?? ''].flat().join('')).includes('data-unlearn-lab-figure'));
    expect(figures).toHaveLength(2);
    for (const f of figures) {
      expect(typeof f.data!['image/png']).toBe('string');
      expect([f.data!['text/html']].flat().join('')).toContain('<img src="data:image/png;base64,');
    }
  });

  it('after a reload the saved figures load plotly.js from the notebook server; a re-run figure cell is interactive', async () => {
    const before = plotlyRequests.length;
    await openNotebook(true);
    expect(await inPage<boolean>(`function () { return Jupyter.notebook.trusted; }`)).toBe(true);
    await waitInPage('saved figures drawn after the reload', `function () { return document.querySelectorAll('[data-unlearn-lab-figure].js-plotly-plot').length === 2; }`, 60_000);
    const served = plotlyRequests.slice(before);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((r) => r.status === 200)).toBe(true);
    for (const s of await figureStates()) expect(s).toMatchObject({ interactive: true, staticImageShown: false });
    expect(await hoverWorks(histogramCell)).toBe(true);

    // The sample grid's cell (the histogram's needs the model, which the tour's last cell disposes).
    await rerunCell(gridCell);
    expect(await settledFigure(gridCell)).toEqual([expect.objectContaining({ interactive: true, plotlyHandlers: true, staticImageShown: false })]);
    expect(await dragZoomWorks(gridCell)).toBe(true);
    expect(await outputTexts()).not.toMatch(/plotly\.js loaded/i);
    await save();
  });

  it('after a reload where the server cannot give plotly.js, the static images show, and re-running a figure cell makes it interactive', async () => {
    blockPlotly = true;
    const before = plotlyRequests.length;
    await openNotebook(true);
    // The saved figures asked for plotly.js, did not get it, and kept their static images.
    await waitInPage('the blocked plotly.js request', `function () { return !!window.__unlearnLabPlotly; }`, 30_000);
    await inPage(`function () { return window.__unlearnLabPlotly.then(function () { return 'loaded'; }, function () { return 'failed'; }); }`);
    expect(plotlyRequests.slice(before).every((r) => r.blocked)).toBe(true);
    const shown = await figureStates();
    expect(shown).toHaveLength(2);
    for (const s of shown) expect(s).toMatchObject({ interactive: false, staticImageShown: true });

    await rerunCell(gridCell);
    // Interactive with no user action, although the page could not load plotly.js from the server:
    // the kernel saw a new page and sent plotly.js with the figure.
    expect(await settledFigure(gridCell)).toEqual([expect.objectContaining({ interactive: true, plotlyHandlers: true, staticImageShown: false })]);
    expect(await dragZoomWorks(gridCell)).toBe(true);
    expect(plotlyRequests.slice(before).every((r) => r.blocked)).toBe(true);
    expect(await outputTexts()).not.toMatch(/plotly\.js loaded/i);
    expect(pageErrors.filter((e) => /plotly|unlearn/i.test(e))).toEqual([]);
  });
});

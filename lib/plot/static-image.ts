import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { removeTemp } from '../io/cleanup';
import { assertFigure, figureTitle, type Figure } from './figure';

/**
 * Static export of Plotly figures with headless Chromium, driven by puppeteer-core (which downloads no
 * browser): Plotly.toImage inside a page that loads plotly.js from node_modules (no network). The browser
 * stays open between renders (see RenderSession).
 */

export interface StaticImageOptions {
  format?: 'png' | 'svg';
  /** Pixel size; default the figure's layout.width/height, else 800 x 500. */
  width?: number;
  height?: number;
  /** Device pixel ratio of PNGs (default 1). */
  scale?: number;
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

/** The Chromium binary: env UNLEARN_CHROMIUM, else the usual install paths; null when none is found. */
export function findChromium(): string | null {
  const env = process.env.UNLEARN_CHROMIUM;
  if (env != null && env !== '') return fs.existsSync(env) ? env : null;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export function plotlyJsPath(): string {
  return require.resolve('plotly.js-dist/plotly.js');
}

/** JSON that is safe to put inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** One figure to draw: its data and layout at a pixel size. */
interface RenderJob {
  data: Figure['data'];
  layout: Figure['layout'];
  width: number;
  height: number;
}

/** Runs in the page: draws each job with plotly.js and returns its image as a data URL. */
async function drawInPage(jobs: RenderJob[], format: string, scale: number): Promise<string[]> {
  type PlotlyApi = {
    newPlot(div: unknown, data: unknown, layout: unknown, config: unknown): Promise<unknown>;
    toImage(div: unknown, o: unknown): Promise<string>;
    purge(div: unknown): void;
  };
  const g = globalThis as unknown as { Plotly: PlotlyApi; document: { createElement(t: string): { style: Record<string, string>; remove(): void }; body: { appendChild(e: unknown): void } } };
  const out: string[] = [];
  for (const j of jobs) {
    const div = g.document.createElement('div');
    div.style.width = `${j.width}px`;
    div.style.height = `${j.height}px`;
    g.document.body.appendChild(div);
    await g.Plotly.newPlot(div, j.data, Object.assign({}, j.layout, { width: j.width, height: j.height }), { staticPlot: true });
    out.push(await g.Plotly.toImage(div, { format, width: j.width, height: j.height, scale }));
    g.Plotly.purge(div);
    div.remove();
  }
  return out;
}

/**
 * A headless Chromium with plotly.js loaded, kept open between renders: a launch costs about 2 s on 2 cores,
 * a figure drawn in the open page a few tens of ms, so a notebook's figures after the first come quickly.
 * It does not keep Node alive while idle (its pipes are unref'd between renders), is killed when the
 * process exits (puppeteer), and closes itself after IDLE_CLOSE_MS without a render (memory back).
 */
interface RenderSession {
  browser: Browser;
  page: Page;
  /** Chromium's profile folder, removed on close and at process exit (removeProfile). */
  profile: string;
  removeProfile: () => void;
}

const IDLE_CLOSE_MS = 60_000;
let session: Promise<RenderSession> | null = null;
let rendering = 0;
let idleTimer: NodeJS.Timeout | null = null;

/** Whether the session's Chromium keeps the Node process alive: only while a render is running. */
function holdProcess(s: RenderSession, hold: boolean): void {
  const proc = s.browser.process();
  if (proc == null) return;
  for (const h of [proc, ...proc.stdio]) {
    const handle = h as { ref?: () => void; unref?: () => void } | null;
    if (hold) handle?.ref?.();
    else handle?.unref?.();
  }
}

async function launchSession(chromium: string): Promise<RenderSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-figure-'));
  const removeProfile = () => removeTemp(profile);
  process.once('exit', removeProfile);
  try {
    // No signal handlers: a Jupyter kernel gets SIGINT to interrupt a cell, which must not end the process.
    const browser = await puppeteer.launch({
      executablePath: chromium,
      headless: true,
      pipe: true,
      userDataDir: profile,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
    });
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
      await page.addScriptTag({ path: plotlyJsPath() });
      return { browser, page, profile, removeProfile };
    } catch (e) {
      await browser.close();
      throw e;
    }
  } catch (e) {
    removeProfile();
    process.off('exit', removeProfile);
    throw e;
  }
}

/** The process id of the kept-open Chromium, or null when none is open (diagnostics). */
export async function figureRendererPid(): Promise<number | null> {
  const s = session == null ? null : await session.catch(() => null);
  return s?.browser.process()?.pid ?? null;
}

/** Closes the kept-open Chromium (figures rendered later launch a new one). */
export async function closeFigureRenderer(): Promise<void> {
  if (idleTimer != null) clearTimeout(idleTimer);
  idleTimer = null;
  const s = session;
  session = null;
  if (s == null) return;
  const open = await s.catch(() => null);
  if (open == null) return;
  await open.browser.close().catch(() => undefined);
  open.removeProfile();
  process.off('exit', open.removeProfile);
}

/**
 * Renders figures to static images in the kept-open headless Chromium. PNGs come back as Buffers,
 * SVGs as UTF-8 Buffers of the SVG text.
 */
export async function renderFigures(figs: Figure[], opts: StaticImageOptions = {}): Promise<Buffer[]> {
  figs.forEach((f, i) => assertFigure(f, `renderFigures: figure ${i}`));
  if (figs.length === 0) return [];
  const format = opts.format ?? 'png';
  if (format !== 'png' && format !== 'svg') throw new Error(`renderFigures: format must be 'png' or 'svg', got '${String(format)}'.`);
  const chromium = findChromium();
  if (chromium == null) {
    throw new Error(
      'renderFigures: no Chromium found for static figure export. Install it (Debian/Ubuntu: apt-get install chromium) ' +
        'or set UNLEARN_CHROMIUM to a Chrome/Chromium binary.',
    );
  }
  const jobs: RenderJob[] = figs.map((f) => ({
    data: f.data,
    layout: f.layout,
    width: opts.width ?? (typeof f.layout.width === 'number' ? f.layout.width : 800),
    height: opts.height ?? (typeof f.layout.height === 'number' ? f.layout.height : 500),
  }));
  const timeout = opts.timeoutMs ?? 60_000;
  if (idleTimer != null) clearTimeout(idleTimer);
  idleTimer = null;
  rendering++;
  let timer: NodeJS.Timeout | null = null;
  let s: RenderSession | null = null;
  try {
    session ??= launchSession(chromium);
    const open = session;
    s = await open.catch((e: Error) => {
      if (session === open) session = null;
      throw new Error(`renderFigures: could not start ${chromium} (${e.message.split('\n')[0]}).`);
    });
    holdProcess(s, true);
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`renderFigures: Chromium returned no images within ${timeout} ms; raise timeoutMs or check that ${plotlyJsPath()} exists.`)), timeout);
    });
    let urls: string[];
    try {
      urls = await Promise.race([s.page.evaluate(drawInPage, jobs, format, opts.scale ?? 1), expired]);
    } catch (e) {
      const msg = (e as Error).message;
      // A page that timed out or failed may be wedged: start the next render afresh.
      await closeFigureRenderer();
      throw new Error(msg.startsWith('renderFigures:') ? msg : `renderFigures: Plotly could not draw a figure: ${msg.split('\n')[0]}`);
    }
    return urls.map((u) => {
      if (format === 'png') return Buffer.from(u.slice(u.indexOf(',') + 1), 'base64');
      const body = u.slice(u.indexOf(',') + 1);
      return Buffer.from(u.startsWith('data:image/svg+xml;base64,') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body), 'utf8');
    });
  } finally {
    if (timer != null) clearTimeout(timer);
    rendering--;
    if (rendering === 0 && session != null) {
      const current = await session.catch(() => null);
      if (current != null && rendering === 0) {
        holdProcess(current, false);
        idleTimer = setTimeout(() => void closeFigureRenderer(), IDLE_CLOSE_MS);
        idleTimer.unref();
      }
    }
  }
}

/**
 * Figures as PNG images with alt text (the caption, else the figure's title), rendered in one batch:
 * what report's HtmlReport.image() takes.
 */
export async function figureImages(figs: { figure: Figure; caption?: string }[], opts: StaticImageOptions = {}): Promise<{ png: Buffer; alt: string; caption?: string }[]> {
  const pngs = await renderFigures(
    figs.map((f) => f.figure),
    { ...opts, format: 'png' },
  );
  return figs.map((f, i) => ({ png: pngs[i], alt: f.caption ?? figureTitle(f.figure), caption: f.caption }));
}

/** Renders one figure to PNG (or SVG) bytes. */
export async function renderFigure(fig: Figure, opts: StaticImageOptions = {}): Promise<Buffer> {
  return (await renderFigures([fig], opts))[0];
}

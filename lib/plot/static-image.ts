import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { removeOnExit } from '../io/cleanup';
import { unescapeHtml } from '../io/html';
import { assertFigure, figureTitle, type Figure } from './figure';

/**
 * Static export of Plotly figures with headless Chromium: one browser launch renders a batch of
 * figures with Plotly.toImage inside a page that loads plotly.js from node_modules (no network), and
 * hands the images back through --dump-dom. About 2 s per launch on a 2-core machine, almost all of it
 * browser start-up, so render figures in batches where you can.
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

function renderPage(figs: Figure[], o: Required<Omit<StaticImageOptions, 'width' | 'height' | 'timeoutMs'>> & StaticImageOptions): string {
  const jobs = figs.map((f) => ({
    data: f.data,
    layout: f.layout,
    width: o.width ?? (typeof f.layout.width === 'number' ? f.layout.width : 800),
    height: o.height ?? (typeof f.layout.height === 'number' ? f.layout.height : 500),
  }));
  return `<!doctype html><html><head><meta charset="utf-8"><script src="${pathToFileURL(plotlyJsPath()).href}"></script></head><body>
<script>
(async () => {
  const jobs = ${scriptJson(jobs)};
  const out = [];
  for (const j of jobs) {
    const div = document.createElement('div');
    div.style.width = j.width + 'px';
    div.style.height = j.height + 'px';
    document.body.appendChild(div);
    await Plotly.newPlot(div, j.data, Object.assign({}, j.layout, { width: j.width, height: j.height }), { staticPlot: true });
    out.push(await Plotly.toImage(div, { format: ${JSON.stringify(o.format)}, width: j.width, height: j.height, scale: ${o.scale} }));
    Plotly.purge(div);
    div.remove();
  }
  return out;
})().then(
  (out) => { const p = document.createElement('pre'); p.id = 'unlearn-lab-result'; p.textContent = JSON.stringify(out); document.body.appendChild(p); },
  (e) => { const p = document.createElement('pre'); p.id = 'unlearn-lab-error'; p.textContent = String(e && e.stack || e); document.body.appendChild(p); },
);
</script></body></html>`;
}

/**
 * Renders figures to static images in one headless-Chromium run. PNGs come back as Buffers,
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-figure-'));
  // Removed on exit and on SIGINT/SIGTERM too, not only when rendering returns.
  const forget = removeOnExit(dir);
  try {
    const page = path.join(dir, 'render.html');
    fs.writeFileSync(page, renderPage(figs, { ...opts, format, scale: opts.scale ?? 1 }));
    const timeout = opts.timeoutMs ?? 60_000;
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--no-default-browser-check',
      '--allow-file-access-from-files',
      `--user-data-dir=${path.join(dir, 'profile')}`,
      `--virtual-time-budget=${timeout}`,
      '--dump-dom',
      pathToFileURL(page).href,
    ];
    const dom = await new Promise<string>((resolve, reject) => {
      execFile(chromium, args, { timeout, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(new Error(`renderFigures: ${chromium} failed (${err.message.split('\n')[0]}): ${stderr.split('\n').filter((l) => !/dbus|Fontconfig/i.test(l)).slice(-3).join(' | ')}`));
        else resolve(stdout);
      });
    });
    const error = /<pre id="unlearn-lab-error">([\s\S]*?)<\/pre>/.exec(dom);
    if (error) throw new Error(`renderFigures: Plotly could not draw a figure: ${unescapeHtml(error[1]).split('\n')[0]}`);
    const result = /<pre id="unlearn-lab-result">([\s\S]*?)<\/pre>/.exec(dom);
    if (!result) throw new Error(`renderFigures: Chromium returned no images within ${timeout} ms; raise timeoutMs or check that ${plotlyJsPath()} exists.`);
    const urls = JSON.parse(unescapeHtml(result[1])) as string[];
    return urls.map((u) => {
      if (format === 'png') return Buffer.from(u.slice(u.indexOf(',') + 1), 'base64');
      const body = u.slice(u.indexOf(',') + 1);
      return Buffer.from(u.startsWith('data:image/svg+xml;base64,') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body), 'utf8');
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    forget();
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

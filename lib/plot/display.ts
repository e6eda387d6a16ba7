import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomic';
import { escapeHtml } from '../io/html';
import { displayClient, inNotebook, newDisplayId, writeDisplay } from '../io/jupyter';
import { assertFigure, figureTitle, type Figure } from './figure';
import { plotlyJsPath, renderFigure, scriptJson } from './static-image';

/** Marks figure outputs, so notebook checks can find them (data-unlearn-lab-figure). */
export const FIGURE_MARKER = 'data-unlearn-lab-figure';

/**
 * Where a Jupyter server serves plotly.js to the page: `<base url>nbextensions/unlearn-lab/plotly.js`, a
 * copy of node_modules/plotly.js-dist/plotly.js that kernels-config/register-kernel.cjs installs beside the
 * kernel spec (as `jupyter nbextension install --user` would; the classic Notebook serves every file there).
 */
export const PLOTLY_NBEXTENSION_PATH = 'nbextensions/unlearn-lab/plotly.js';

/** The clients (browser pages; '' where the client is unknown) this kernel has sent plotly.js to. */
const clientsWithPlotly = new Set<string>();

function plotlySource(): string {
  // '</script' inside the bundle would end the inline <script> element early.
  return fs.readFileSync(plotlyJsPath(), 'utf8').replace(/<\/script/gi, '<\\/script');
}

function plotlyVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(path.dirname(plotlyJsPath()), 'package.json'), 'utf8')) as { version?: string }).version ?? '';
  } catch {
    return '';
  }
}

/**
 * Sends plotly.js (from node_modules, no CDN) to the page that runs the cell, once per page: under the
 * project's kernel a reloaded page is a new client (its Jupyter session id) and gets it again; under a
 * plain tslab kernel, whose clients are unknown, once per kernel session. The 10 MB output is replaced at
 * once by an empty one, so saved notebooks stay small and say nothing that a reload could make false.
 * Figures do not depend on it where the Jupyter server serves plotly.js itself (the classic Notebook:
 * see figureHtml); it is what makes them interactive in frontends that do not (JupyterLab). `force`
 * sends it even when this page should have it. Returns whether it was sent.
 */
export function loadPlotlyInNotebook(force = false): boolean {
  if (!inNotebook()) return false;
  const client = displayClient() ?? '';
  if (clientsWithPlotly.has(client) && !force) return false;
  const id = newDisplayId();
  // Guarded: a page that has plotly.js already keeps its instance (and the figures drawn with it).
  const ok = writeDisplay({ 'text/html': `<script type="text/javascript">if (!window.Plotly) {\n${plotlySource()}\n}</script>`, 'text/plain': '' }, { displayId: id });
  if (!ok) return false;
  writeDisplay({ 'text/plain': '' }, { displayId: id, update: true });
  clientsWithPlotly.add(client);
  return true;
}

/**
 * HTML for one figure: the static image, replaced in the browser by the interactive plot. Whether the page
 * has plotly.js is checked in the page itself, each time the output is shown: if it lacks it (reloaded
 * since the kernel sent it, or a saved notebook just opened) it loads it from the Jupyter server
 * (PLOTLY_NBEXTENSION_PATH), once per page, then draws. Where scripts do not run or no Jupyter server is
 * behind the page (GitHub, nbconvert HTML, an untrusted notebook) or it does not serve the file, the image stays.
 */
export function figureHtml(fig: Figure, png: Buffer | null, id = newDisplayId()): string {
  const title = escapeHtml(figureTitle(fig));
  const w = typeof fig.layout.width === 'number' ? fig.layout.width : 800;
  const h = typeof fig.layout.height === 'number' ? fig.layout.height : 500;
  const img = png != null ? `<img src="data:image/png;base64,${png.toString('base64')}" alt="${title}" style="max-width:100%;height:auto"/>` : `<p>${title} (static image unavailable)</p>`;
  const src = `${PLOTLY_NBEXTENSION_PATH}?v=${encodeURIComponent(plotlyVersion())}`;
  return (
    `<div id="${id}" ${FIGURE_MARKER}="1" style="max-width:${w}px">${img}</div>\n` +
    `<script type="text/javascript">(function () {
  var el = document.getElementById(${JSON.stringify(id)});
  if (!el) return;
  var fig = ${scriptJson({ data: fig.data, layout: fig.layout })};
  function draw(Plotly) {
    var fallback = el.innerHTML;
    el.innerHTML = '';
    el.style.height = '${h}px';
    Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false }).catch(function () { el.style.height = ''; el.innerHTML = fallback; });
  }
  if (window.Plotly) { draw(window.Plotly); return; }
  // No plotly.js in this page: ask the Jupyter server behind it (classic Notebook: body data-base-url; JupyterLab: jupyter-config-data).
  var base = document.body ? document.body.getAttribute('data-base-url') : null;
  var config = document.getElementById('jupyter-config-data');
  if (base == null && config) { try { base = JSON.parse(config.textContent || '{}').baseUrl; } catch (e) { base = null; } }
  if (typeof base !== 'string') return;
  if (base.charAt(base.length - 1) !== '/') base += '/';
  if (!window.__unlearnLabPlotly) {
    window.__unlearnLabPlotly = new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = base + ${JSON.stringify(src)};
      s.onload = function () { if (window.Plotly) resolve(window.Plotly); else reject(new Error('no Plotly in ' + s.src)); };
      s.onerror = function () { reject(new Error('could not load ' + s.src)); };
      document.head.appendChild(s);
    });
  }
  window.__unlearnLabPlotly.then(draw, function () {});
})();</script>`
  );
}

export interface ShowOptions {
  /** Outside a notebook: write the figure here (.png, .svg, .html or .json); default env UNLEARN_FIGURE_DIR/<title>.png, else nothing. */
  file?: string;
}

let warnedStatic = false;

/**
 * Shows a figure. In a tslab notebook: interactive in the Jupyter page (offline plotly.js, also after the
 * page is reloaded: see loadPlotlyInNotebook and figureHtml) plus a static PNG kept in the saved notebook
 * (GitHub, nbconvert). Elsewhere: writes it to opts.file or to
 * $UNLEARN_FIGURE_DIR when set, else prints one line. Resolves to nothing, so a notebook cell ending
 * in `await show(fig)` prints no extra value; use saveFigure to write a file at a chosen path.
 */
export async function show(fig: Figure, opts: ShowOptions = {}): Promise<void> {
  assertFigure(fig, 'show');
  if (inNotebook()) {
    loadPlotlyInNotebook();
    let png: Buffer | null = null;
    try {
      png = await renderFigure(fig);
    } catch (e) {
      if (!warnedStatic) console.warn(`unlearn-lab: no static image for figures (${(e as Error).message}); they will not show on GitHub or in HTML exports.`);
      warnedStatic = true;
    }
    // No application/vnd.plotly.v1+json copy: it would store the figure twice in every saved notebook.
    const bundle: Record<string, unknown> = { 'text/html': figureHtml(fig, png), 'text/plain': `<Plotly figure: ${figureTitle(fig)}>` };
    if (png != null) bundle['image/png'] = png.toString('base64');
    writeDisplay(bundle);
    return;
  }
  const dir = process.env.UNLEARN_FIGURE_DIR;
  const file = opts.file ?? (dir != null && dir !== '' ? path.join(dir, `${slug(figureTitle(fig))}.png`) : null);
  if (file == null) {
    console.log(`[figure] ${figureTitle(fig)} (not in a notebook; set UNLEARN_FIGURE_DIR or pass {file} to save it)`);
    return;
  }
  await saveFigure(fig, file);
  console.log(`[figure] ${figureTitle(fig)} -> ${file}`);
}

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'figure';
}

/** A self-contained interactive HTML page (plotly.js inlined, about 10 MB) for one figure. */
export function standaloneFigureHtml(fig: Figure): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(figureTitle(fig))}</title><script>${plotlySource()}</script></head><body>${figureHtml(fig, null)}</body></html>`;
}

/** Writes a figure by file extension: .png / .svg (static, Chromium), .html (interactive) or .json (Plotly JSON). */
export async function saveFigure(fig: Figure, file: string): Promise<void> {
  assertFigure(fig, 'saveFigure');
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png' || ext === '.svg') writeFileAtomic(file, await renderFigure(fig, { format: ext === '.png' ? 'png' : 'svg' }));
  else if (ext === '.html') writeFileAtomic(file, standaloneFigureHtml(fig));
  else if (ext === '.json') writeFileAtomic(file, JSON.stringify(fig));
  else throw new Error(`saveFigure: unknown extension '${ext}' in ${file}; use .png, .svg, .html or .json.`);
}

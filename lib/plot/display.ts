import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../io/atomic';
import { escapeHtml } from '../io/html';
import { inNotebook, newDisplayId, writeDisplay } from '../io/jupyter';
import { assertFigure, figureTitle, type Figure } from './figure';
import { plotlyJsPath, renderFigure, scriptJson } from './static-image';

/** Marks figure outputs, so notebook checks can find them (data-unlearn-lab-figure). */
export const FIGURE_MARKER = 'data-unlearn-lab-figure';

let plotlyInjected = false;

function plotlySource(): string {
  // '</script' inside the bundle would end the inline <script> element early.
  return fs.readFileSync(plotlyJsPath(), 'utf8').replace(/<\/script/gi, '<\\/script');
}

/**
 * Loads plotly.js into the JupyterLab page from node_modules (no CDN), once per kernel session. The
 * output that carried the 10 MB script is then replaced by one line, so saved notebooks stay small;
 * pass force=true to load it again (after reloading the browser page).
 */
export function loadPlotlyInNotebook(force = false): boolean {
  if (!inNotebook() || (plotlyInjected && !force)) return false;
  const id = newDisplayId();
  const ok = writeDisplay({ 'text/html': `<script type="text/javascript">${plotlySource()}</script>`, 'text/plain': '' }, { displayId: id });
  if (ok) {
    writeDisplay({ 'text/plain': 'plotly.js loaded for interactive figures' }, { displayId: id, update: true });
    plotlyInjected = true;
  }
  return ok;
}

/**
 * HTML for one figure: the static image, replaced by the interactive plot where plotly.js is loaded
 * (JupyterLab in the kernel session). Where scripts do not run or Plotly is absent (GitHub, nbconvert
 * HTML, an untrusted notebook) the image stays.
 */
export function figureHtml(fig: Figure, png: Buffer | null, id = newDisplayId()): string {
  const title = escapeHtml(figureTitle(fig));
  const w = typeof fig.layout.width === 'number' ? fig.layout.width : 800;
  const h = typeof fig.layout.height === 'number' ? fig.layout.height : 500;
  const img = png != null ? `<img src="data:image/png;base64,${png.toString('base64')}" alt="${title}" style="max-width:100%;height:auto"/>` : `<p>${title} (static image unavailable)</p>`;
  return (
    `<div id="${id}" ${FIGURE_MARKER}="1" style="max-width:${w}px">${img}</div>\n` +
    `<script type="text/javascript">(function () {
  var el = document.getElementById(${JSON.stringify(id)});
  if (!el || !window.Plotly) return;
  var fig = ${scriptJson({ data: fig.data, layout: fig.layout })};
  var fallback = el.innerHTML;
  el.innerHTML = '';
  el.style.height = '${h}px';
  window.Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false }).catch(function () { el.style.height = ''; el.innerHTML = fallback; });
})();</script>`
  );
}

export interface ShowOptions {
  /** Outside a notebook: write the figure here (.png, .svg, .html or .json); default env UNLEARN_FIGURE_DIR/<title>.png, else nothing. */
  file?: string;
}

let warnedStatic = false;

/**
 * Shows a figure. In a tslab notebook: interactive in JupyterLab (offline plotly.js) plus a static PNG
 * kept in the saved notebook (GitHub, nbconvert). Elsewhere: writes it to opts.file or to
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

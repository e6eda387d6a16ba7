import * as fs from 'fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nonBackgroundFraction } from '../plot/png-check';
import { allNotebooks, expectRanOnSmoke, hookTimeout, runNotebooksOnSmoke, runsInNpmTest, type NotebookRun } from './run-smoke';

/**
 * The notebooks `npm test` executes headless on the smoke preset (06-bring-your-own and the 2024 modular paper's
 * 20-29; the others run in test:slow): each runs without errors and every figure it shows is saved as a static,
 * non-blank image in the HTML export.
 */
const notebooks = allNotebooks().filter(runsInNpmTest);
let results = new Map<string, NotebookRun>();

/** Every text and HTML output of an executed notebook, joined. */
function outputText(executed: string): string {
  const nb = JSON.parse(fs.readFileSync(executed, 'utf8')) as { cells: { outputs?: { text?: string | string[]; data?: Record<string, string | string[]> }[] }[] };
  const parts = nb.cells.flatMap((c) => (c.outputs ?? []).flatMap((o) => [o.text ?? '', o.data?.['text/plain'] ?? '', o.data?.['text/html'] ?? '']));
  return parts.map((p) => [p].flat().join('')).join('\n');
}

describe('notebooks in npm test run headless on the unlearn-lab kernel (smoke preset)', () => {
  beforeAll(() => {
    results = runNotebooksOnSmoke(notebooks);
  }, hookTimeout(notebooks.length));

  it('found them', () => {
    expect(notebooks).toEqual(expect.arrayContaining(['06-bring-your-own.ipynb', '20-modular-unlearning.ipynb', '21-modular-studies.ipynb', '24-mia-defence.ipynb']));
  });

  it.each(notebooks)('%s runs without errors, and every figure is a non-blank static image', (name) => {
    const r = results.get(name);
    expectRanOnSmoke(r);
    expect(r!.figures).toBeGreaterThan(0);
    const html = fs.readFileSync(r!.html, 'utf8');
    const imgs = [...html.matchAll(/data-unlearn-lab-figure="1"[^>]*><img src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/g)];
    expect(imgs).toHaveLength(r!.figures);
    for (const m of imgs) expect(nonBackgroundFraction(Buffer.from(m[1], 'base64')).fraction).toBeGreaterThan(0.01);
  });

  it('06-bring-your-own shows the three-panel loss figure (original | method | Retrain) and the MIA suite table with every attack', () => {
    const text = outputText(results.get('06-bring-your-own.ipynb')!.executed);
    expect(text).toContain('<Plotly figure: Per-sample loss, forget vs test: original | scrub | Retrain');
    expect(text).toMatch(/MIA suite: forget \(\d+\) vs test \(\d+;/);
    for (const attack of ['logit-AUC (Blend/A-AMU paper score)', 'loss-logistic (SCRUB)', 'SVC', 'shadow model (Shokri)', 'LiRA offline', 'LiRA online']) expect(text).toContain(attack);
  });
});

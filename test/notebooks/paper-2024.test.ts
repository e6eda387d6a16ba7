import * as fs from 'fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nonBackgroundFraction } from '../plot/png-check';
import { allNotebooks, expectRanOnSmoke, hookTimeout, isPaper2024Notebook, runNotebooksOnSmoke, type NotebookRun } from './run-smoke';

/**
 * The 2024 modular paper's notebooks (20-29) executed headless on the smoke preset, in `npm test`: each runs
 * without errors and every figure it shows is saved as a static, non-blank image in the HTML export.
 */
const notebooks = allNotebooks().filter(isPaper2024Notebook);
let results = new Map<string, NotebookRun>();

describe("the 2024 paper's notebooks run headless on the unlearn-lab kernel (smoke preset)", () => {
  beforeAll(() => {
    results = runNotebooksOnSmoke(notebooks);
  }, hookTimeout(notebooks.length));

  it('found them', () => {
    expect(notebooks).toEqual(expect.arrayContaining(['20-modular-unlearning.ipynb', '21-modular-studies.ipynb', '24-mia-defence.ipynb']));
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
});

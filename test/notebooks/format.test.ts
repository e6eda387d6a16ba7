import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { allNotebooks, notebooksDir } from './run-smoke';

/**
 * Committed notebooks are nbformat 4.5 as Jupyter writes it: every cell has an id, unique in its notebook.
 * nbformat warns on a missing id ("this will be an error in future versions") every time it reads one.
 */
describe('committed notebooks', () => {
  it.each(allNotebooks())('%s: nbformat 4.5 with a unique id on every cell', (name) => {
    const nb = JSON.parse(fs.readFileSync(path.join(notebooksDir, name), 'utf8')) as { nbformat: number; nbformat_minor: number; cells: { id?: unknown }[] };
    expect([nb.nbformat, nb.nbformat_minor]).toEqual([4, 5]);
    const ids = nb.cells.map((c, i) => {
      expect(typeof c.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(c.id), `cell ${i} has no valid id`).toBe(true);
      return c.id;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  // Issue 20: each notebook says how long each preset takes, in a markdown cell or in the output of its run cell.
  it.each(allNotebooks())('%s: states its time per preset', (name) => {
    const nb = JSON.parse(fs.readFileSync(path.join(notebooksDir, name), 'utf8')) as { cells: { source: string[] | string; outputs?: unknown[] }[] };
    const text = nb.cells.map((c) => [([] as string[]).concat(c.source).join(''), JSON.stringify(c.outputs ?? [])].join('\n')).join('\n');
    expect(text).toMatch(/Time per preset:?\**:? smoke [^;]+; cpu /);
  });
});

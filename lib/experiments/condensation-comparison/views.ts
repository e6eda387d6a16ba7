import { concatDatasets } from '../../data/dataset';
import type { Figure } from '../../plot/figure';
import { imageGrid } from '../../plot/image-grid';
import { metricBars } from '../../plot/metric-bars';
import type { Cell, Table } from '../../results';
import type { ExperimentOutput } from '../shared/output';
import { PERCENT_SCALE, percent } from '../shared/percent';
import { restoreImages } from '../shared/stored-images';
import { condensationTable, type CondensationComparisonResult } from './run';
import { CONDENSATION_COMPARISON, CONDENSATION_METHODS, PAPER_FIG2 } from './settings';
import { overSeeds } from '../../results';

/** Ours beside the paper's Fig. 2 / Sec. 4.2 numbers. */
export function condensationPaperTable(r: Pick<CondensationComparisonResult, 'rows' | 'dataset'>): Table {
  const rows: Cell[][] = condensationTable(r.rows).rows.map((row) => {
    const ipc = Number(row.scenario.replace('IPC ', ''));
    const paper = (PAPER_FIG2.testAccuracy as Record<number, Record<string, number | null>>)[ipc]?.[row.method] ?? null;
    return [row.scenario, row.method, percent(row.cells.testAcc.mean), paper, row.cells.seconds.mean + (row.cells.kmeansSeconds?.mean ?? 0)];
  });
  return {
    title: `Test accuracy (%): ours (${r.dataset}) vs paper (CIFAR-10)`,
    columns: ['IPC', 'method', `ours test acc (${r.dataset})`, 'paper test acc (CIFAR-10)', 'ours seconds (incl. k-means)'],
    rows,
  };
}

/** One grid per IPC: a row per method (first prototype of every class). */
export function prototypeGrids(r: CondensationComparisonResult): Figure[] {
  if (!r.prototypes || r.prototypes.length === 0) return [];
  const ipcs = [...new Set(r.prototypes.map((x) => x.ipc))];
  return ipcs.map((ipc) => {
    const parts = r.prototypes!.filter((x) => x.ipc === ipc);
    let next = 0;
    // Give the prototypes fresh, unique ids: the methods' synthetic ids overlap.
    const relabelled = parts.map((x) => restoreImages(x.images, { ids: x.images.labels.map(() => next++), classNames: x.classNames, split: 'condensed' }));
    const all = concatDatasets(`${r.dataset}-prototypes-ipc${ipc}`, relabelled);
    return imageGrid(all, all.ids, {
      cols: all.classNames.length,
      title: `IPC ${ipc}: first prototype per class; rows: ${parts.map((x) => x.method).join(', ')}`,
    });
  });
}

/** One paragraph: what agrees with the paper and what does not. */
export function condensationComparisonSummary(r: Pick<CondensationComparisonResult, 'rows' | 'speedups' | 'dataset'>): string {
  const table = condensationTable(r.rows);
  const acc = (m: string, ipc: number) => {
    const c = table.rows.find((x) => x.method === m && x.scenario === `IPC ${ipc}`)?.cells.testAcc;
    return c == null ? undefined : percent(c.mean);
  };
  const ipcs = [...new Set(table.rows.map((x) => Number(x.scenario.replace('IPC ', ''))))];
  const parts = ipcs.map((ipc) => {
    const b = acc('blend', ipc);
    const others = CONDENSATION_METHODS.filter((m) => m !== 'blend').map((m) => `${m} ${acc(m, ipc)?.toFixed(1)}`);
    const sp = r.speedups.filter((s) => s.ipc === ipc).map((s) => `${s.method} ${s.measured.toFixed(1)}x measured / ${s.projected.toFixed(0)}x projected`);
    return `IPC ${ipc}: Blend ${b?.toFixed(1)} % vs ${others.join(', ')} %; baseline/Blend time ${sp.join(', ')}`;
  });
  return `Ours (${r.dataset}): ${parts.join('. ')}. Paper (CIFAR-10, IPC 10): Blend 35.03 %, GM 33.01 %, DM 32.2 %, IDM 33.1 %; ` +
    'Blend 8-18 s vs 75-300 min for the others (>1500x on average).';
}

/** Tables (means, time ratios, the paper beside ours), the prototype grids and the accuracy bars. */
export function condensationComparisonOutput(r: CondensationComparisonResult): ExperimentOutput {
  const table = condensationTable(r.rows).view({ scale: PERCENT_SCALE, title: 'Condensation: test accuracy (%) of a fresh ConvNet and time (s)' });
  const speed: Table = {
    title: 'Time of each baseline / time of Blend (k-means + blending)',
    columns: ['IPC', 'method', 'measured ratio', 'projected ratio (reference iterations)'],
    rows: r.speedups.map((s) => [s.ipc, s.method, s.measured, s.projected]),
  };
  const paper = condensationPaperTable(r);
  const seeds = new Set(r.rows.map((row) => row.seed)).size;
  const spread = overSeeds(seeds);
  const figures = [
    ...prototypeGrids(r).map((figure) => ({ figure, caption: 'Prototypes (Fig. 2 top)' })),
    {
      figure: metricBars(table, { labelColumn: 'method', seriesColumn: 'scenario', metrics: ['testAcc'], title: `Test accuracy (%) per method and IPC (${spread})`, yTitle: 'test accuracy (%)' }),
      caption: 'Fig. 2 bottom',
    },
  ];
  return {
    title: CONDENSATION_COMPARISON.title,
    meta: [
      `preset ${r.preset}, backend ${r.backend}, ${r.dataset} (${r.trainSize} train / ${r.testSize} test), ${r.net.arch} ${JSON.stringify(r.net.options)}`,
      `run time ${r.seconds.toFixed(0)} s`,
    ],
    result: r,
    tables: { condensation: table, speedup: speed, paper },
    figures,
    notes: [...r.notes, condensationComparisonSummary(r)],
  };
}

import * as path from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { openRunFolder } from '../io/run-folder';
import { getExperiment } from '../experiments/registry';
import type { PresetName } from '../experiments/shared/presets';
import { writeJson, writeTableCsv } from '../report/export';
import type { Table } from '../results';
import { cellsRecord, type CellFile, type ExperimentCellConfig, type LiraTargetConfig } from './cells';
import { liraExampleScores, mergeLira, type LiraAudit, type LiraExampleScore, type LiraShadowCell, type LiraTargetCell } from './lira-cells';
import { writeResultsFolder } from './output';
import { mergeSeedResults } from './seed-merge';
import { shellQuote, unlearnLabCommand } from './shell';
import { openSweep, sweepStatus } from './sweep';

export interface MergedGroup {
  group: string;
  kind: 'experiment' | 'lira';
  cells: number;
  /** The results folder written for the group. */
  dir: string;
  files: string[];
}

/** One row per audited example (lira-scores.csv). */
export function liraExampleTable(rows: readonly LiraExampleScore[]): Table {
  const columns = ['position', 'member', 'originalOffline', 'originalOnline', 'retrainOffline', 'retrainOnline'] as const;
  return { columns: [...columns], rows: rows.map((r) => columns.map((c) => r[c])), title: 'LiRA score per audited example (member = in the original\'s training set)' };
}

/** LiRA numbers of an audit as a table (one row per model and variant; AUC and TPR at 1% and 0.1% FPR). */
export function liraTable(a: LiraAudit): Table {
  const rows = (['offline', 'online'] as const).flatMap((variant) =>
    (['original', 'retrain'] as const).map((model) => [model, variant, a[variant][model].auc, a[variant][model].tprAt1pctFpr, a[variant][model].tprAt0_1pctFpr]),
  );
  return { columns: ['model', 'variant', 'auc', 'tprAt1pctFpr', 'tprAt0_1pctFpr'], rows, title: `LiRA of ${a.candidate} (${a.preset}, ${a.shadows} shadows, ${a.members} members vs ${a.nonMembers} non-members)` };
}

/**
 * Builds every group's results from the finished cells of a sweep: an experiment's seeds merged into
 * its own results folder (its tables of means and 95% CIs, CSVs, report, provenance), a LiRA audit from
 * its target and shadow cells (results.json and lira.csv). Under `<sweep>/merged/<group>/`, each folder
 * swapped in whole. A sweep with unfinished cells is an error listing them.
 */
export async function mergeSweep(dir: string, o: { command?: string; log?: (line: string) => void } = {}): Promise<MergedGroup[]> {
  const s = openSweep(dir);
  const status = sweepStatus(s);
  const missing = status.cells.filter((c) => c.state !== 'done');
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).map((c) => `  cell ${c.index} ${c.label} (${c.state}${c.error ? `: ${c.error.split('\n')[0]}` : ''})`);
    throw new Error(
      `${dir}: ${missing.length} of ${status.cells.length} cells are not finished, so there is nothing whole to merge:\n${shown.join('\n')}${missing.length > 10 ? `\n  ... and ${missing.length - 10} more` : ''}\n` +
        `Run them with \`unlearn-lab sweep ${s.plan.specFile} --out ${dir}\` (it skips the finished ones), then merge again.`,
    );
  }
  const mergedBy = o.command ?? `npx unlearn-lab merge ${shellQuote(dir)}`;
  const groups = [...new Set(s.plan.cells.map((c) => c.group))];
  const out: MergedGroup[] = [];
  for (const group of groups) {
    const cells = s.plan.cells.filter((c) => c.group === group).map((c) => s.store.read(c.config)!);
    const target = path.join(s.dir, 'merged', group);
    const first = cells[0].config;
    if (first.kind === 'experiment') out.push(await mergeExperimentGroup(group, cells, target, mergedBy, o.log));
    else out.push(mergeLiraGroup(group, cells, target, mergedBy, o.log));
    o.log?.(`merged ${group}: ${cells.length} cell(s) -> ${path.relative(process.cwd(), target) || target}`);
  }
  writeFileAtomic(path.join(s.dir, 'merged', 'index.json'), `${JSON.stringify({ sweep: s.plan.name, merged: new Date().toISOString(), groups: out }, null, 1)}\n`);
  return out;
}

async function mergeExperimentGroup(group: string, cells: CellFile[], target: string, mergedBy: string, log?: (line: string) => void): Promise<MergedGroup> {
  const c = cells[0].config as ExperimentCellConfig;
  const e = getExperiment(c.experiment);
  const seeds = cells.map((x) => (x.config as ExperimentCellConfig).seed);
  const contiguous = seeds.every((sd, i) => sd === i);
  const flags = {
    ...(c.methods ? { methods: c.methods } : {}),
    ...(c.dataset ? { dataset: c.dataset } : {}),
    // The seed count of the merged run, where its seeds are 0..n-1 (a one-piece cell keeps its own).
    ...(c.seed != null && contiguous ? { seeds: seeds.length } : c.seeds != null ? { seeds: c.seeds } : {}),
  };
  const o = {
    preset: c.preset as PresetName,
    ...flags,
    outDir: target,
    // The equivalent single run, runnable as written (it computes the same cells, under the same settings
    // and code); the merge command that rebuilds this folder from the sweep is kept beside the cells.
    command: unlearnLabCommand(e.name, c.preset, e.flags.map((f) => [f, (flags as Record<string, unknown>)[f]] as const)),
    log,
  };
  const result = c.seed != null ? mergeSeedResults(e.name, cells.map((x) => x.result)) : cells[0].result;
  const { files } = await writeResultsFolder(e, o, () => Promise.resolve({ result, cells: cellsRecord(cells, mergedBy) }));
  return { group, kind: 'experiment', cells: cells.length, dir: target, files };
}

function mergeLiraGroup(group: string, cells: CellFile[], target: string, mergedBy: string, log?: (line: string) => void): MergedGroup {
  const t = cells.find((x) => x.config.kind === 'lira-target');
  if (t == null) throw new Error(`LiRA group ${group} has no target cell.`);
  const shadowCells = cells.filter((x) => x.config.kind === 'lira-shadow').map((x) => x.result as LiraShadowCell);
  const audit = mergeLira(t.config as LiraTargetConfig, t.result as LiraTargetCell, shadowCells);
  const examples = liraExampleScores(t.config as LiraTargetConfig, t.result as LiraTargetCell, shadowCells);
  const folder = openRunFolder(target, { log });
  try {
    const json = path.join(folder.dir, 'results.json');
    const csv = path.join(folder.dir, 'lira.csv');
    writeJson({ experiment: 'lira-sweep', ...audit, provenance: { schema: 1, command: mergedBy, cells: cellsRecord(cells, mergedBy) } }, json);
    writeTableCsv(liraTable(audit), csv);
    writeTableCsv(liraExampleTable(examples), path.join(folder.dir, 'lira-scores.csv'));
    folder.commit();
  } catch (e) {
    folder.abort();
    throw e;
  }
  return { group, kind: 'lira', cells: cells.length, dir: target, files: ['results.json', 'lira.csv', 'lira-scores.csv'].map((f) => path.join(target, f)) };
}

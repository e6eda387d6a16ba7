import { canonicalJson } from '../experiments/shared/provenance';
import { presetOf, type PresetName } from '../experiments/shared/presets';
import { suliSetting } from '../experiments/shared/suli-setting';
import { multiRoundTable, MULTI_ROUND_PRESETS, type MultiRoundResult } from '../experiments/multi-round';
import { strategyTable, REDUCED_RETAIN_PRESETS, type ReducedRetainResult } from '../experiments/reduced-retain-strategies';
import { singleRoundTable, SINGLE_ROUND_PRESETS, type SingleRoundResult } from '../experiments/single-round';
import { suliClassTable, type SuliClassWiseResult } from '../experiments/suli-class-wise';
import { suliInstanceTable, type SuliInstanceWiseResult } from '../experiments/suli-instance-wise';
import { condensationSpeedups, condensationTable, CONDENSATION_PRESETS, type CondensationComparisonResult } from '../experiments/condensation-comparison';
import { miaDefenceTable, MIA_DEFENCE_PRESETS, type MiaDefenceResult } from '../experiments/mia-defence';
import { modularSettingFor, modularTable, MODULAR_PRESETS, type ModularResult } from '../experiments/modular-unlearning';
import { studiesTable, MODULAR_STUDIES_PRESETS, type ModularStudiesResult } from '../experiments/modular-studies';
import { condensedModelTable, CONDENSED_MODEL_PRESETS, type CondensedModelResult } from '../experiments/condensed-model-unlearning';
import type { ResultsTable } from '../results';

/**
 * How the results of one experiment's single-seed cells (RunOptions.seed) become the result a run of
 * all those seeds returns. Every result keeps its per-seed records in lists (rows, originals, setups,
 * ...; lists of objects with a numeric `seed`): the merge concatenates each such list in seed order (the order the runner loops in), adds up the
 * run seconds, checks every other field is the same in every cell, and rebuilds the table of means and
 * 95% CIs with the experiment's own table function (and any other across-seed field it lists as derived). Experiments listed here run one seed per cell;
 * the others (their result holds across-seed summaries this cannot rebuild) run all seeds in one cell.
 */
export interface SeedMerger {
  /** The preset's seed count (what a run without --seeds uses). */
  defaultSeeds(preset: PresetName, dataset: string | null): number;
  /** The table of the merged result, from its concatenated lists. */
  table(merged: Record<string, unknown>): ResultsTable;
  /** Other fields computed across seeds: each rebuilt from the merged result, not required equal in every cell. */
  derived?: Record<string, (merged: Record<string, unknown>) => unknown>;
}

type Rows<R> = R & Record<string, unknown>;

export const SEED_MERGERS: Record<string, SeedMerger> = {
  'single-round': {
    defaultSeeds: (p) => presetOf(SINGLE_ROUND_PRESETS, p).seeds,
    table: (m) => {
      const r = m as Rows<SingleRoundResult>;
      return singleRoundTable(r.rows, r.originals ?? []);
    },
  },
  'multi-round': {
    defaultSeeds: (p) => presetOf(MULTI_ROUND_PRESETS, p).seeds,
    table: (m) => {
      const r = m as Rows<MultiRoundResult>;
      return multiRoundTable(r.rows, r.originals ?? []);
    },
  },
  'reduced-retain-strategies': {
    defaultSeeds: (p) => presetOf(REDUCED_RETAIN_PRESETS, p).seeds,
    table: (m) => {
      const r = m as Rows<ReducedRetainResult>;
      return strategyTable(r.rows, r.references ?? []);
    },
  },
  'suli-class-wise': {
    defaultSeeds: (p, d) => suliSetting(p, d ?? undefined).seeds,
    table: (m) => {
      const r = m as Rows<SuliClassWiseResult>;
      return suliClassTable(r.rows, r.forgetClass);
    },
  },
  'suli-instance-wise': {
    defaultSeeds: (p, d) => suliSetting(p, d ?? undefined).seeds,
    table: (m) => suliInstanceTable((m as Rows<SuliInstanceWiseResult>).rows),
  },
  'modular-unlearning': {
    defaultSeeds: (p, d) => modularSettingFor(p, presetOf(MODULAR_PRESETS, p), { dataset: d ?? undefined }).seeds,
    table: (m) => modularTable((m as Rows<ModularResult>).rows),
  },
  'modular-studies': {
    defaultSeeds: (p) => presetOf(MODULAR_STUDIES_PRESETS, p).seeds,
    table: (m) => studiesTable((m as Rows<ModularStudiesResult>).rows),
  },
  'condensed-model-unlearning': {
    defaultSeeds: (p) => presetOf(CONDENSED_MODEL_PRESETS, p).seeds,
    table: (m) => condensedModelTable((m as Rows<CondensedModelResult>).rows),
  },
  'condensation-comparison': {
    defaultSeeds: (p) => presetOf(CONDENSATION_PRESETS, p).seeds,
    table: (m) => condensationTable((m as Rows<CondensationComparisonResult>).rows),
    derived: { speedups: (m) => condensationSpeedups((m as Rows<CondensationComparisonResult>).rows) },
  },
  'mia-defence': {
    defaultSeeds: (p) => presetOf(MIA_DEFENCE_PRESETS, p).seeds,
    table: (m) => miaDefenceTable((m as Rows<MiaDefenceResult>).rows),
  },
};

/** A list of per-seed records: objects that carry a numeric `seed`. */
const isSeedList = (v: unknown): boolean =>
  Array.isArray(v) && v.length > 0 && v.every((x) => x != null && typeof x === 'object' && typeof (x as { seed?: unknown }).seed === 'number');

/** Merges single-seed results (in seed order) of `experiment` into the result of one run over those seeds. */
export function mergeSeedResults(experiment: string, results: readonly unknown[]): unknown {
  const merger = SEED_MERGERS[experiment];
  if (merger == null) throw new Error(`mergeSeedResults: '${experiment}' has no seed merge; its cells run all seeds at once. Experiments split by seed: ${Object.keys(SEED_MERGERS).join(', ')}.`);
  if (results.length === 0) throw new Error(`mergeSeedResults: no results of ${experiment} to merge.`);
  const all = results as Record<string, unknown>[];
  const merged: Record<string, unknown> = {};
  const keys = [...new Set(all.flatMap((r) => Object.keys(r)))];
  for (const k of keys) {
    if (k === 'table' || (merger.derived && k in merger.derived)) continue;
    const values = all.map((r) => r[k]);
    if (values.some(isSeedList) && values.every((v) => v === undefined || isSeedList(v) || (Array.isArray(v) && v.length === 0))) {
      merged[k] = values.flatMap((v) => (Array.isArray(v) ? v : []));
    } else if (k === 'seconds') {
      merged[k] = values.reduce((a: number, v) => a + (typeof v === 'number' ? v : 0), 0);
    } else {
      const first = canonicalJson(values[0]);
      const other = values.findIndex((v) => canonicalJson(v) !== first);
      if (other >= 0) throw new Error(`mergeSeedResults: the ${experiment} cells disagree on '${k}' (${first} vs ${canonicalJson(values[other])}); they are not runs of one setting.`);
      merged[k] = values[0];
    }
  }
  merged.table = merger.table(merged);
  for (const [k, rebuild] of Object.entries(merger.derived ?? {})) merged[k] = rebuild(merged);
  return merged;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { datasetNames } from '../data/loaders';
import { getExperiment, type AnyExperiment } from '../experiments/registry';
import { PRESET_NAMES, presetOf, type PresetName } from '../experiments/shared/presets';
import { settingsHash } from '../experiments/shared/provenance';
import { candidateData, CPU_MEMORISING, MEMORISATION_REGIME_PRESETS } from '../experiments/memorisation-regime/settings';
import { getUnlearner } from '../unlearn';
import { cellKey, type CellConfig, type ExperimentCellConfig, type LiraShadowConfig, type LiraTargetConfig } from './cells';
import { resultCodeVersion } from './code-version';
import { SEED_MERGERS } from './seed-merge';

/**
 * A sweep spec (YAML or JSON): grids of experiment runs and LiRA audits.
 *
 *   name: smoke-grid
 *   experiments:
 *     - experiment: suli-class-wise   # an experiment of the registry
 *       presets: [smoke]
 *       seeds: 3                      # seeds 0..2 (or a list: [0, 4]); default: the preset's
 *       methods: [su, suli]           # one results table per entry; an entry may be a list: [[cf, a-cf], [scrub]]
 *       datasets: [fashion-mnist]     # where the experiment takes --dataset
 *   lira:
 *     - presets: [cpu]
 *       shadows: 64                   # even, >= 2: one cell per shadow model, plus the target's
 *       candidate: n300-w32-sgd0.05-const-e30-b64   # default: the cpu original's recipe when the preset has it, else its first
 *
 * Every key is checked: an unknown one, an unknown experiment, preset, method or dataset, a flag the
 * experiment does not take, or a grid that expands to no cells is an error naming it.
 */
export interface SweepSpec {
  name: string;
  experiments: ExperimentGrid[];
  lira: LiraGrid[];
}

export interface ExperimentGrid {
  experiment: string;
  presets: PresetName[];
  seeds?: number | number[];
  methods?: string[][];
  datasets?: string[];
}

export interface LiraGrid {
  presets: PresetName[];
  shadows: number;
  candidate?: string;
  /** The audit's seed (the target's split and the shadows' halves); default 0, as memorisation-regime's. */
  seed?: number;
}

/** A planned cell: its config, key and the group (one results folder) it merges into. */
export interface PlannedCell {
  key: string;
  group: string;
  config: CellConfig;
}

const TOP_KEYS = ['name', 'experiments', 'lira'];
const EXPERIMENT_KEYS = ['experiment', 'presets', 'seeds', 'methods', 'datasets'];
const LIRA_KEYS = ['presets', 'shadows', 'candidate', 'seed'];

class SpecError extends Error {}

function checkKeys(o: unknown, known: string[], where: string, file: string): Record<string, unknown> {
  if (o == null || typeof o !== 'object' || Array.isArray(o)) throw new SpecError(`sweep spec ${file}: ${where} must be a mapping (key: value), got ${JSON.stringify(o)}.`);
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new SpecError(`sweep spec ${file}: unknown key '${k}' in ${where}. Known keys there: ${known.join(', ')}.`);
  }
  return o as Record<string, unknown>;
}

function list(v: unknown, where: string, file: string): unknown[] {
  if (!Array.isArray(v)) throw new SpecError(`sweep spec ${file}: ${where} must be a list, got ${JSON.stringify(v)}.`);
  return v;
}

function presets(v: unknown, where: string, file: string): PresetName[] {
  if (v === undefined) throw new SpecError(`sweep spec ${file}: ${where} has no 'presets'; give a list of ${PRESET_NAMES.join(', ')}.`);
  return list(v, `${where}.presets`, file).map((p) => {
    if (!(PRESET_NAMES as readonly unknown[]).includes(p)) throw new SpecError(`sweep spec ${file}: ${where}.presets: unknown preset ${JSON.stringify(p)}. Choose from: ${PRESET_NAMES.join(', ')}.`);
    return p as PresetName;
  });
}

const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

/** Parses and checks a spec's text (YAML, of which JSON is a part); `file` names it in errors. */
export function parseSweepSpec(text: string, file: string): SweepSpec {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new SpecError(`sweep spec ${file} is not valid YAML or JSON: ${(e as Error).message}`);
  }
  const top = checkKeys(raw ?? {}, TOP_KEYS, 'the top level', file);
  const name = top.name ?? path.basename(file).replace(/\.(ya?ml|json)$/i, '');
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new SpecError(`sweep spec ${file}: name must be letters, digits, '.', '_' or '-', got ${JSON.stringify(name)}.`);
  const experiments = list(top.experiments ?? [], 'experiments', file).map((g, i): ExperimentGrid => {
    const where = `experiments[${i}]`;
    const o = checkKeys(g, EXPERIMENT_KEYS, where, file);
    if (typeof o.experiment !== 'string') throw new SpecError(`sweep spec ${file}: ${where} has no 'experiment' name.`);
    let e: AnyExperiment;
    try {
      e = getExperiment(o.experiment);
    } catch (err) {
      throw new SpecError(`sweep spec ${file}: ${where}: ${(err as Error).message}`);
    }
    const flag = (key: string, f: 'seeds' | 'methods' | 'dataset') => {
      if (o[key] !== undefined && !e.flags.includes(f)) throw new SpecError(`sweep spec ${file}: ${where}: ${e.name} takes no --${f}, so '${key}' cannot be set. Its flags: ${e.flags.map((x) => `--${x}`).join(', ') || 'none'}.`);
    };
    flag('seeds', 'seeds');
    flag('methods', 'methods');
    flag('datasets', 'dataset');
    const seeds = o.seeds;
    if (seeds !== undefined) {
      const ok = Array.isArray(seeds) ? seeds.length > 0 && seeds.every(isNat) && new Set(seeds).size === seeds.length : isNat(seeds) && seeds >= 1;
      if (!ok) throw new SpecError(`sweep spec ${file}: ${where}.seeds must be a count >= 1 (seeds 0..n-1) or a list of distinct seeds >= 0, got ${JSON.stringify(seeds)}.`);
      if (Array.isArray(seeds) && SEED_MERGERS[e.name] == null) throw new SpecError(`sweep spec ${file}: ${where}: ${e.name} runs its seeds 0..n-1 in one cell, so give seeds as a count, not a list.`);
    }
    const methods =
      o.methods === undefined
        ? undefined
        : list(o.methods, `${where}.methods`, file).map((m, j) => {
            const set = typeof m === 'string' ? [m] : list(m, `${where}.methods[${j}]`, file);
            if (set.length === 0) throw new SpecError(`sweep spec ${file}: ${where}.methods[${j}] is an empty method list.`);
            return set.map((x) => {
              try {
                return getUnlearner(String(x)).name;
              } catch (err) {
                throw new SpecError(`sweep spec ${file}: ${where}.methods[${j}]: ${(err as Error).message}`);
              }
            });
          });
    const datasets =
      o.datasets === undefined
        ? undefined
        : list(o.datasets, `${where}.datasets`, file).map((d) => {
            if (!(datasetNames() as unknown[]).includes(d)) throw new SpecError(`sweep spec ${file}: ${where}.datasets: unknown dataset ${JSON.stringify(d)}. Choose from: ${datasetNames().join(', ')}.`);
            return d as string;
          });
    return { experiment: e.name, presets: presets(o.presets, where, file), seeds: seeds as number | number[] | undefined, methods, datasets };
  });
  const lira = list(top.lira ?? [], 'lira', file).map((g, i): LiraGrid => {
    const where = `lira[${i}]`;
    const o = checkKeys(g, LIRA_KEYS, where, file);
    if (!isNat(o.shadows) || o.shadows < 2 || o.shadows % 2 !== 0) throw new SpecError(`sweep spec ${file}: ${where}.shadows must be an even integer >= 2, got ${JSON.stringify(o.shadows)}.`);
    if (o.seed !== undefined && !isNat(o.seed)) throw new SpecError(`sweep spec ${file}: ${where}.seed must be an integer >= 0, got ${JSON.stringify(o.seed)}.`);
    if (o.candidate !== undefined && typeof o.candidate !== 'string') throw new SpecError(`sweep spec ${file}: ${where}.candidate must be a candidate's name, got ${JSON.stringify(o.candidate)}.`);
    const ps = presets(o.presets, where, file);
    for (const p of ps) {
      try {
        liraCandidate(p, o.candidate as string | undefined);
      } catch (err) {
        throw new SpecError(`sweep spec ${file}: ${where}: ${(err as Error).message}`);
      }
    }
    return { presets: ps, shadows: o.shadows, candidate: o.candidate as string | undefined, seed: o.seed as number | undefined };
  });
  const spec: SweepSpec = { name, experiments, lira };
  if (planCells(spec).length === 0) {
    throw new SpecError(`sweep spec ${file}: the grid is empty (no experiment or LiRA cell): give at least one entry under 'experiments' (with presets) or 'lira'.`);
  }
  return spec;
}

/** Reads a spec file (YAML or JSON). */
export function readSweepSpec(file: string): SweepSpec {
  if (!fs.existsSync(file)) throw new Error(`sweep spec ${file} does not exist; pass a YAML or JSON file (docs/sweeps.md shows one).`);
  return parseSweepSpec(fs.readFileSync(file, 'utf8'), file);
}

/** The candidate a LiRA grid audits: the named one, else the cpu original's recipe where the preset has it, else the preset's first. */
export function liraCandidate(preset: PresetName, name?: string) {
  const p = presetOf(MEMORISATION_REGIME_PRESETS, preset);
  if (name != null) {
    const c = p.candidates.find((x) => x.name === name);
    if (c == null) throw new Error(`LiRA sweep: preset ${preset} has no candidate '${name}'. Its candidates: ${p.candidates.map((x) => x.name).join(', ')}.`);
    return { p, c };
  }
  return { p, c: p.candidates.find((x) => x.name === CPU_MEMORISING.name) ?? p.candidates[0] };
}

/** A folder-safe name of a results group. */
const groupName = (parts: (string | null | undefined)[]) => parts.filter((x): x is string => x != null && x !== '').join('-').replace(/[^A-Za-z0-9._+-]/g, '_');

/**
 * The cells of a spec, in a stable order (grid, preset, dataset, method set, seed; a LiRA audit's target
 * before its shadows): the index of a cell in this list is what a Slurm array task or a Kubernetes
 * completion index maps to.
 */
export function planCells(spec: SweepSpec): PlannedCell[] {
  const code = resultCodeVersion();
  const out: PlannedCell[] = [];
  const add = (group: string, config: CellConfig) => out.push({ key: cellKey(config), group, config });
  for (const g of spec.experiments) {
    const e = getExperiment(g.experiment);
    const merger = SEED_MERGERS[e.name];
    for (const preset of g.presets) {
      const hash = settingsHash(e.settings(preset));
      for (const dataset of g.datasets ?? [null]) {
        for (const methods of g.methods ?? [null]) {
          const base = { kind: 'experiment' as const, experiment: e.name, preset, methods, dataset, settingsHash: hash, code };
          const seedCount = Array.isArray(g.seeds) ? null : (g.seeds ?? null);
          const group = groupName([e.name, preset, dataset, methods?.join('+'), Array.isArray(g.seeds) ? `seeds${g.seeds.join('_')}` : seedCount != null ? `${seedCount}seeds` : null]);
          if (merger != null) {
            const seeds = Array.isArray(g.seeds) ? g.seeds : Array.from({ length: g.seeds ?? merger.defaultSeeds(preset, dataset) }, (_, i) => i);
            for (const seed of seeds) add(group, { ...base, seed, seeds: null } satisfies ExperimentCellConfig);
          } else {
            add(group, { ...base, seed: null, seeds: seedCount } satisfies ExperimentCellConfig);
          }
        }
      }
    }
  }
  for (const g of spec.lira) {
    for (const preset of g.presets) {
      const { p, c } = liraCandidate(preset, g.candidate);
      const base = {
        preset,
        candidate: c.name,
        shadows: g.shadows,
        seed: g.seed ?? 0,
        settingsHash: settingsHash({ data: candidateData(p, c), forgetFraction: p.forgetFraction, recipe: c.recipe }),
        code,
      };
      const group = groupName(['lira', c.name, preset, `${g.shadows}shadows`, g.seed ? `seed${g.seed}` : null]);
      add(group, { ...base, kind: 'lira-target' } satisfies LiraTargetConfig);
      for (let s = 0; s < g.shadows; s++) add(group, { ...base, kind: 'lira-shadow', shadow: s } satisfies LiraShadowConfig);
    }
  }
  // The same cell twice (a grid repeated) would be run and merged twice.
  const seen = new Map<string, number>();
  out.forEach((c, i) => {
    if (seen.has(c.key)) throw new SpecError(`sweep spec '${spec.name}': cell ${i} (${JSON.stringify(c.config)}) repeats cell ${seen.get(c.key)}; remove the repeated grid entry.`);
    seen.set(c.key, i);
  });
  return out;
}

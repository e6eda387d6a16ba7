import * as fs from 'node:fs';
import * as path from 'node:path';
import { PRESET_NAMES, type PresetName } from './presets';

/**
 * The repository root: lib/experiments/shared (tests, ts sources) and dist/experiments/shared (built
 * package, notebooks) both sit three levels below it.
 */
export function repositoryRoot(): string {
  return path.resolve(__dirname, '..', '..', '..');
}

/** Where an experiment's outputs for a preset live: results/<experiment>/<preset>/. */
export function resultsDir(experiment: string, preset: PresetName, root: string = repositoryRoot()): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(experiment)) {
    throw new Error(`resultsDir: experiment name '${experiment}' must be lower-case letters, digits and dashes (e.g. 'single-round').`);
  }
  if (!(PRESET_NAMES as readonly string[]).includes(preset)) {
    throw new Error(`Unknown preset '${preset}'. Choose one of: ${PRESET_NAMES.join(', ')}.`);
  }
  return path.join(root, 'results', experiment, preset);
}

/** True when results/<experiment>/<preset>/results.json exists. */
export function hasCommittedResults(experiment: string, preset: PresetName = 'cpu', root?: string): boolean {
  return fs.existsSync(path.join(resultsDir(experiment, preset, root), 'results.json'));
}

/**
 * The committed result object of an experiment run (results/<experiment>/<preset>/results.json, as
 * writeExperimentOutput wrote it), so notebooks compare the paper with numbers that exist in the repository.
 */
export function loadCommittedResults<T = unknown>(experiment: string, preset: PresetName = 'cpu', root?: string): T {
  const file = path.join(resultsDir(experiment, preset, root), 'results.json');
  if (!fs.existsSync(file)) {
    throw new Error(
      `loadCommittedResults: ${file} does not exist; run \`unlearn-lab ${experiment} --preset ${preset}\` and write its outputs there first.`,
    );
  }
  try {
    // results.json writes NaN and +-Infinity as strings (report/export writeJson): read them back as numbers.
    return JSON.parse(fs.readFileSync(file, 'utf8'), (_k, v: unknown) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v)) as T;
  } catch (e) {
    throw new Error(`loadCommittedResults: ${file} is not valid JSON (${(e as Error).message}); re-run the experiment to rewrite it.`);
  }
}

/**
 * How long each preset of an experiment takes, for a notebook to state before it runs: smoke is the
 * notebook test's setting (about a minute), cpu is the committed run's own time (its `seconds`, with its
 * seed count), gpu-paper is not run here.
 */
export function presetTimesNote(experiment: string, root?: string): string {
  let cpu = 'not measured yet (no committed cpu run)';
  if (hasCommittedResults(experiment, 'cpu', root)) {
    const r = loadCommittedResults<{ seconds?: number; provenance?: { options?: { seeds?: number } }; rows?: { seed?: number }[] }>(experiment, 'cpu', root);
    const seeds = r.provenance?.options?.seeds ?? new Set((r.rows ?? []).map((x) => x.seed)).size;
    if (typeof r.seconds === 'number' && Number.isFinite(r.seconds)) {
      cpu = `${(r.seconds / 60).toFixed(0)} min for the committed run (${seeds || 1} seed${(seeds || 1) === 1 ? '' : 's'}, 2 CPU cores, results/${experiment}/cpu)`;
    }
  }
  return `Time per preset: smoke about a minute; cpu ${cpu}; gpu-paper hours on one GPU (not run here). A finished run is loaded from the run cache in seconds; set rerun = true to compute it again.`;
}

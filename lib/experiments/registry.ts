import { aamuAnatomy } from './aamu-anatomy';
import { baselineSweep } from './baseline-sweep';
import { condensationBenchmark } from './condensation-benchmark';
import { condensationComparison } from './condensation-comparison';
import { condensedModelUnlearning } from './condensed-model-unlearning';
import { memorisationRegime } from './memorisation-regime';
import { miaDefence } from './mia-defence';
import { modularStudies } from './modular-studies';
import { modularUnlearning } from './modular-unlearning';
import { multiRound } from './multi-round';
import { reducedRetainStrategies } from './reduced-retain-strategies';
import { RUN_FLAG_HELP, type Experiment, type RunOptions } from './shared/experiment';
import type { ExperimentOutput } from './shared/output';
import { singleRound } from './single-round';
import { suliClassWise } from './suli-class-wise';
import { suliFeatureSpace } from './suli-feature-space';
import { suliInstanceWise } from './suli-instance-wise';

/** An experiment whose result type is erased: what the registry, the CLI and generic callers handle. */
export interface AnyExperiment extends Omit<Experiment, 'output'> {
  output(result: unknown, o: RunOptions): ExperimentOutput;
}

// Every paper experiment the CLI and notebooks can run, by name, in paper and section order.
// (Each `output` is typed for its own result; run() produces exactly that result, so the erasure is safe.)
const EXPERIMENTS = [
  condensationComparison,
  condensationBenchmark,
  reducedRetainStrategies,
  aamuAnatomy,
  baselineSweep,
  singleRound,
  multiRound,
  suliClassWise,
  suliInstanceWise,
  suliFeatureSpace,
  modularUnlearning,
  modularStudies,
  miaDefence,
  condensedModelUnlearning,
  memorisationRegime,
] as AnyExperiment[];

export function experimentNames(): string[] {
  return EXPERIMENTS.map((e) => e.name);
}

export function getExperiment(name: string): AnyExperiment {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (e == null) throw new Error(`Unknown experiment '${name}'. Choose one of: ${experimentNames().join(', ')}.`);
  return e;
}

export function allExperiments(): AnyExperiment[] {
  return [...EXPERIMENTS];
}

/** The flags an experiment's command takes, as written in `--help` and the README. */
export function experimentUsage(e: Pick<Experiment, 'name' | 'flags'>): string {
  return [`unlearn-lab ${e.name} --preset <p>`, ...e.flags.map((f) => `[${RUN_FLAG_HELP[f].usage}]`), '[--out <dir>]', '[--quiet]'].join(' ');
}

/** The README's experiment table (Markdown), generated from the registry; test/cli checks README.md holds exactly this. */
export function experimentsMarkdown(): string {
  const rows = EXPERIMENTS.map((e) => `| \`${e.name}\` | ${e.title} | ${e.flags.length ? e.flags.map((f) => `\`--${f}\``).join(' ') : '-'} |`);
  return ['| experiment | reproduces | flags beyond `--preset`, `--out`, `--quiet` |', '|---|---|---|', ...rows].join('\n');
}

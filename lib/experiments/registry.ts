import type { Experiment } from './experiment';
import { aamuAnatomy } from './aamu-anatomy';
import { condensationComparison } from './condensation-comparison';
import { multiRound } from './multi-round';
import { reducedRetainStrategies } from './reduced-retain-strategies';
import { singleRound } from './single-round';
import { suliClassWise } from './suli-class-wise';
import { suliFeatureSpace } from './suli-feature-space';
import { suliInstanceWise } from './suli-instance-wise';

// Every paper experiment the CLI and notebooks can run, by name, in paper and section order.
const EXPERIMENTS = [
  condensationComparison,
  reducedRetainStrategies,
  aamuAnatomy,
  singleRound,
  multiRound,
  suliClassWise,
  suliInstanceWise,
  suliFeatureSpace,
] as unknown as Experiment<never>[];

export function experimentNames(): string[] {
  return EXPERIMENTS.map((e) => e.name);
}

export function getExperiment(name: string): Experiment<unknown> {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (e == null) throw new Error(`Unknown experiment '${name}'. Choose one of: ${experimentNames().join(', ')}.`);
  return e as unknown as Experiment<unknown>;
}

export function allExperiments(): Experiment<unknown>[] {
  return EXPERIMENTS as unknown as Experiment<unknown>[];
}

import type { Experiment } from './experiment';
import { singleRound } from './single-round';

// Every paper experiment the CLI and notebooks can run, by name.
const EXPERIMENTS: Experiment<never>[] = [singleRound] as Experiment<never>[];

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

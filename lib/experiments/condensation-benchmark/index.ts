import type { Experiment } from '../shared/experiment';
import { presetOf } from '../shared/presets';
import { runCondensationBenchmark, type CondensationBenchmarkResult } from './run';
import { CONDENSATION_BENCHMARK, CONDENSATION_BENCHMARK_PRESETS } from './settings';
import { condensationBenchmarkOutput } from './views';

export * from './settings';
export * from './run';
export * from './views';

export const condensationBenchmark: Experiment<CondensationBenchmarkResult> = {
  ...CONDENSATION_BENCHMARK,
  settings: (preset) => presetOf(CONDENSATION_BENCHMARK_PRESETS, preset),
  run: runCondensationBenchmark,
  output: condensationBenchmarkOutput,
};

import type { ProgressSink } from '../train/progress';
import type { PresetName } from './presets';
import type { ExperimentOutput } from './results';

/** Options every experiment runner accepts (the CLI fills them from its flags). */
export interface RunOptions {
  preset: PresetName;
  /** Number of seeds (0..n-1); default: the preset's. */
  seeds?: number;
  /** Dataset / model overrides where the runner supports them (else an error naming what it supports). */
  dataset?: string;
  model?: string;
  onProgress?: ProgressSink;
  /** One line per finished step (console.log in the CLI). */
  log?: (line: string) => void;
  /** Directory of cached original models (default ~/.cache/unlearn-lab/models). */
  cacheDir?: string;
  dataDir?: string;
}

/**
 * One paper experiment: runs it, and turns its result into tables/figures/notes. Shared by the CLI
 * (`unlearn-lab <name> --preset p`), the notebooks and the tests.
 */
export interface Experiment<R = unknown> {
  /** CLI name, e.g. 'single-round'. */
  name: string;
  /** Paper, section, table/figure it reproduces. */
  title: string;
  run(o: RunOptions): Promise<R>;
  output(result: R, o: RunOptions): ExperimentOutput;
}

import type { ProgressSink } from '../../train/progress';
import type { ExperimentOutput } from './output';
import type { PresetName } from './presets';

/**
 * The run flags an experiment may declare beyond `--preset` (which every experiment takes, as the CLI's
 * `--out` and `--quiet`). The CLI offers an experiment exactly the flags it declares, and the harness
 * rejects any other option a caller sets, so no flag is advertised that a runner ignores or rejects.
 */
export const RUN_FLAGS = ['seeds', 'dataset', 'methods'] as const;
export type RunFlag = (typeof RUN_FLAGS)[number];

/** What each run flag means, for `--help` and the README's experiment table. */
export const RUN_FLAG_HELP: Record<RunFlag, { usage: string; description: string }> = {
  seeds: { usage: '--seeds <n>', description: "number of seeds 0..n-1 (default: the preset's)" },
  dataset: { usage: '--dataset <d>', description: "dataset (default: the preset's)" },
  methods: { usage: '--methods <m,...>', description: "comma-separated unlearning methods (default: the preset's)" },
};

/** Options every experiment runner accepts (the CLI fills them from its flags). */
export interface RunOptions {
  preset: PresetName;
  /** Number of seeds (0..n-1); default: the preset's. Only where the experiment declares the 'seeds' flag. */
  seeds?: number;
  /** Dataset override, where the experiment declares the 'dataset' flag. */
  dataset?: string;
  /** Methods to run, where the experiment declares the 'methods' flag. */
  methods?: string[];
  onProgress?: ProgressSink;
  /** One line per finished step (console.log in the CLI). */
  log?: (line: string) => void;
  /** Directory of cached original models (default ~/.cache/unlearn-lab/models). */
  cacheDir?: string;
  dataDir?: string;
}

/** Who an experiment is: its CLI name, what it reproduces, and the run flags it accepts. */
export interface ExperimentInfo {
  /** CLI name, e.g. 'single-round'. */
  name: string;
  /** Paper, section, table/figure it reproduces. */
  title: string;
  /** Run flags beyond --preset (see RUN_FLAGS). */
  flags: readonly RunFlag[];
}

/**
 * One paper experiment: runs it, and turns its result into tables/figures/notes. Shared by the CLI
 * (`unlearn-lab <name> --preset p`), the notebooks and the tests.
 */
export interface Experiment<R = unknown> extends ExperimentInfo {
  run(o: RunOptions): Promise<R>;
  output(result: R, o: RunOptions): ExperimentOutput;
}

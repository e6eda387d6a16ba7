import type { ProgressSink } from '../../train/progress';
import type { ExperimentOutput } from './output';
import type { PresetName } from './presets';

/**
 * The run flags an experiment may declare beyond `--preset` (which every experiment takes, as the CLI's
 * `--out` and `--quiet`). The CLI offers an experiment exactly the flags it declares, and the harness
 * rejects any other option a caller sets, so no flag is advertised that a runner ignores or rejects.
 */
export const RUN_FLAGS = ['seeds', 'dataset', 'model', 'methods', 'forget', 'save', 'candidate', 'shadows'] as const;
export type RunFlag = (typeof RUN_FLAGS)[number];

/** What each run flag means, for `--help` and the README's experiment table. */
export const RUN_FLAG_HELP: Record<RunFlag, { usage: string; description: string }> = {
  seeds: { usage: '--seeds <n>', description: "number of seeds 0..n-1 (default: the preset's)" },
  dataset: { usage: '--dataset <d>', description: "dataset (default: the preset's)" },
  model: { usage: '--model <arch>', description: "run only this of the preset's models" },
  methods: { usage: '--methods <m,...>', description: "comma-separated unlearning methods (default: the preset's)" },
  forget: {
    usage: '--forget <request>',
    description: "the forget request instead of the preset's: uniform:<fraction>, class:<c>[+<c>...], partial:<fraction>:<c>[+<c>...] or ids:<file> (training-sample ids, one per line)",
  },
  save: { usage: '--save <what,...>', description: 'also keep, in the results folder: models (each unlearned model as a checkpoint) and/or losses (per-sample losses on the forget, retain and test sets)' },
  candidate: { usage: '--candidate <name>', description: 'the candidate recipe the LiRA audit (--shadows) attacks (default: the chosen one)' },
  shadows: { usage: '--shadows <n>', description: 'LiRA shadow models (even, >= 2; default 0: no LiRA audit)' },
};

/** Options every experiment runner accepts (the CLI fills them from its flags). */
export interface RunOptions {
  preset: PresetName;
  /** Number of seeds (0..n-1); default: the preset's. Only where the experiment declares the 'seeds' flag. */
  seeds?: number;
  /**
   * Run this one seed instead of seeds 0..n-1 (one cell of a sweep, lib/sweep): the result holds that
   * seed's rows only. Not with `seeds`; only where the experiment declares the 'seeds' flag and its
   * runner loops over Run.seedList (the harness refuses a runner that reads Run.seeds then).
   */
  seed?: number;
  /** Dataset override, where the experiment declares the 'dataset' flag. */
  dataset?: string;
  /** One of the preset's models (its architecture name), where the experiment declares the 'model' flag. */
  model?: string;
  /** Methods to run, where the experiment declares the 'methods' flag. */
  methods?: string[];
  /** A forget request in the CLI's words (parseForgetRequest), where the experiment declares the 'forget' flag. */
  forget?: string;
  /** What to keep beside the results (models, losses), where the experiment declares the 'save' flag; needs outDir. */
  save?: ('models' | 'losses')[];
  /** A candidate recipe by name, where the experiment declares the 'candidate' flag. */
  candidate?: string;
  /** Number of LiRA shadow models, where the experiment declares the 'shadows' flag. */
  shadows?: number;
  /**
   * The results folder the run's outputs go to (runExperiment sets it). An experiment that resumes keeps
   * its progress file there, so a killed run loses no finished cell; others ignore it.
   */
  outDir?: string;
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
  /**
   * The settings a preset resolves to (data, model recipe, method hyperparameters, sizes), as plain
   * JSON-able data: results record a hash of them (provenance.presetHash), so two results made with
   * different settings under the same preset name can be told apart.
   */
  settings(preset: PresetName): unknown;
  run(o: RunOptions): Promise<R>;
  output(result: R, o: RunOptions): ExperimentOutput;
}

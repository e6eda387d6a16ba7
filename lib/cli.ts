#!/usr/bin/env node
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { benchCondensation, benchEngine, reducedRetainRatios } from './bench';
import { BACKEND_ORDER } from './engine/backends';
import { init } from './engine/init';
import { pathSetting } from './io/preflight';
import { datasetNames } from './data/loaders';
import { pretrain, PRETRAIN_PRESETS } from './experiments/pretrain';
import { allExperiments, experimentNames, experimentsMarkdown, experimentUsage, type AnyExperiment } from './experiments/registry';
import { defaultResultsDir, newRunDir, runExperiment } from './experiments/run-experiment';
import { RUN_FLAG_HELP, type RunFlag, type RunOptions } from './experiments/shared/experiment';
import type { ExperimentOutput } from './experiments/shared/output';
import { PRESET_NAMES, type PresetName } from './experiments/shared/presets';
import { modelNames } from './models/registry';
import { tableText } from './report/html-table';
import { terminalProgress } from './train/progress';
import { unlearnerNames } from './unlearn';

function integer(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer.`);
    return n;
  };
}

function positive(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer.`);
    return n;
  };
}

function choice(kind: string, choices: readonly string[]) {
  return (v: string) => {
    if (!choices.includes(v)) throw new InvalidArgumentError(`Unknown ${kind} '${v}'. Choose one of: ${choices.join(', ')}.`);
    return v;
  };
}

/** A comma-separated list of unlearning method names, each known to the registry. */
function methodList(v: string): string[] {
  const names = v.split(',').map((m) => m.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`no methods in '${v}'; pass e.g. cf,a-cf.`);
  names.forEach(choice('unlearning method', unlearnerNames()));
  return names;
}

async function runPretrain(preset: string, seed: number): Promise<void> {
  const r = await pretrain({ preset: preset as keyof typeof PRETRAIN_PRESETS, seed, onProgress: terminalProgress() });
  const last = r.history.epochs.at(-1);
  console.log(
    `\n${r.model.name} (${r.model.parameterCount()} parameters) on ${r.train.name}: ` +
      `test accuracy ${(100 * r.testAccuracy).toFixed(2)}% after ${r.history.epochs.length} epochs, ` +
      `train ${r.trainImagesPerSecond.toFixed(0)} images/s, ${r.history.seconds.toFixed(0)} s training` +
      (last ? `, final train loss ${last.loss.toFixed(4)}` : ''),
  );
  r.model.dispose();
}

function resultsRoot(): string {
  // The repository when run from it (npm start, npx in the checkout), else the working directory.
  return pathSetting(process.env.UNLEARN_RESULTS_ROOT, 'UNLEARN_RESULTS_ROOT') ?? process.cwd();
}

/** What an experiment command's parser yields: the run flags it declares, plus --preset, --out and --quiet. */
type ExperimentFlags = Pick<RunOptions, 'preset' | RunFlag> & { out?: string; quiet?: boolean };

/** A word of a shell command, quoted only when the shell would split or expand it. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** A folder as a command records it: relative to the working directory when inside it, else absolute. */
function commandPath(dir: string): string {
  const abs = path.resolve(dir);
  const rel = path.relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

/**
 * The command a run records, runnable as written: `npx unlearn-lab <command> --preset p`, the run
 * flags that were given (in the experiment's order), and `--out <dir>` when given.
 */
export function commandLine(command: string, flags: readonly RunFlag[], f: ExperimentFlags): string {
  const words = ['npx', 'unlearn-lab', command, '--preset', f.preset];
  for (const x of flags) {
    const v = f[x];
    if (v !== undefined) words.push(`--${x}`, Array.isArray(v) ? v.join(',') : String(v));
  }
  if (f.out !== undefined) words.push('--out', commandPath(f.out));
  return words.map(shellWord).join(' ');
}

async function runNamedExperiment(name: string, f: ExperimentFlags, command: string): Promise<ExperimentOutput> {
  const outDir = pathSetting(f.out, '--out') ?? defaultResultsDir(resultsRoot(), name, f);
  const { output, files } = await runExperiment(name, {
    preset: f.preset,
    seeds: f.seeds,
    dataset: f.dataset,
    methods: f.methods,
    candidate: f.candidate,
    shadows: f.shadows,
    onProgress: f.quiet ? undefined : terminalProgress(),
    log: (line) => console.log(line),
    outDir,
    command,
    // The tables are printed before any file is written, so a failed write still shows the numbers.
    show: (out) => {
      for (const t of Object.values(out.tables)) console.log(`\n${tableText(t)}`);
    },
  });
  console.log(`\nwrote ${files.map((x) => path.relative(process.cwd(), x)).join(', ')}`);
  return output;
}

const PRESET_HELP = `one of ${PRESET_NAMES.join(', ')}`;

/** The option of one run flag, with its parser (commander rejects a flag a command does not declare). */
function flagOption(c: Command, flag: RunFlag): Command {
  const { usage, description } = RUN_FLAG_HELP[flag];
  if (flag === 'seeds') return c.option(usage, description, positive('seeds'));
  if (flag === 'dataset') return c.option(usage, `${description}; one of ${datasetNames().join(', ')}`, choice('dataset', datasetNames()));
  if (flag === 'shadows') return c.option(usage, description, integer('shadows'));
  if (flag === 'candidate') return c.option(usage, description);
  return c.option(usage, description, methodList);
}

/** An experiment's command: --preset, exactly the run flags the experiment declares, --out and --quiet. */
function addExperimentCommand(program: Command, e: AnyExperiment): void {
  const c = program.command(e.name).description(e.title).option('--preset <p>', PRESET_HELP, choice('preset', PRESET_NAMES), 'cpu');
  for (const flag of e.flags) flagOption(c, flag);
  c.option('--out <dir>', 'output directory (default results/<experiment>/<preset>[-<dataset>][-<n>seeds])')
    .option('--quiet', 'no progress bar')
    .action(async (f: ExperimentFlags) => {
      await runNamedExperiment(e.name, f, commandLine(e.name, e.flags, f));
    });
}

export function buildProgram(): Command {
  const program = new Command('unlearn-lab')
    .description('Machine-unlearning experiments on image classifiers (Blend/A-AMU, DC unlearning, SULI).')
    .addHelpText(
      'after',
      [
        '',
        'Experiments:',
        ...allExperiments().map((e) => `  ${experimentUsage(e)}`),
        `Presets: ${PRESET_NAMES.join(', ')} (smoke: seconds; cpu: Fashion-MNIST on a laptop; gpu-paper: the papers' datasets and models)`,
        `Datasets: ${datasetNames().join(', ')}`,
        `Models: ${modelNames().join(', ')}`,
        `Unlearning methods: ${unlearnerNames().join(', ')}`,
        `Backends (UNLEARN_BACKEND): ${BACKEND_ORDER.join(', ')}`,
      ].join('\n'),
    );
  program
    .command('main')
    .description(
      'the main job of `npm start`: the single-round table (Blend/A-AMU Tables 1-4) with the cpu preset, one seed; ' +
        'writes a run folder of its own, runs/<UTC time>-single-round-<preset> (the committed results/ stay as they are)',
    )
    .option('--preset <p>', PRESET_HELP, choice('preset', PRESET_NAMES), 'cpu')
    .option('--out <dir>', 'output directory (default runs/<UTC time>-single-round-<preset>)')
    .option('--quiet', 'no progress bar')
    .action(async (o: { preset: PresetName; out?: string; quiet?: boolean }) => {
      const out = pathSetting(o.out, '--out') ?? newRunDir(resultsRoot(), 'single-round', o.preset);
      const f: ExperimentFlags = { preset: o.preset, out, quiet: o.quiet };
      // The folder is recorded, so the command reruns into it as written.
      await runNamedExperiment('single-round', f, commandLine('main', [], f));
      console.log(`results in ${commandPath(out)}${path.sep} (report.html, results.json, CSVs)` + (o.out === undefined ? '; the committed reference results in results/ are left as they are' : ''));
    });
  for (const e of allExperiments()) addExperimentCommand(program, e);
  // An unknown command is most likely a mistyped experiment: name the experiments (and where the other commands are).
  program.on('command:*', (operands: string[]) => {
    program.error(`Unknown experiment '${operands[0]}'. Choose one of: ${experimentNames().join(', ')} (other commands: unlearn-lab --help).`, { code: 'unlearn-lab.unknownExperiment' });
  });
  program
    .command('experiments')
    .description('list the experiments with the flags each takes (--markdown: the README table)')
    .option('--markdown', 'as the Markdown table in README.md')
    .action((o: { markdown?: boolean }) => {
      console.log(o.markdown ? experimentsMarkdown() : allExperiments().map((e) => `${experimentUsage(e)}\n    ${e.title}`).join('\n'));
    });
  program
    .command('pretrain')
    .description('train a model from scratch with a pretraining preset')
    .option('--preset <p>', `one of ${Object.keys(PRETRAIN_PRESETS).join(', ')}`, choice('preset', Object.keys(PRETRAIN_PRESETS)), 'cpu')
    .option('--seed <n>', 'run seed', integer('seed'), 0)
    .action(async (o: { preset: string; seed: number }) => runPretrain(o.preset, o.seed));
  program
    .command('condense-bench')
    .description('Blend vs DM on Fashion-MNIST at IPC 10: condensation time and test accuracy of a ConvNet trained on each (JSON)')
    .option('--quick', 'small version (seconds)')
    .action(async (o: { quick?: boolean }) => {
      console.log(JSON.stringify(await benchCondensation({ quick: o.quick }), null, 2));
    });
  program
    .command('reduced-ratios')
    .description('|R_reduced| / |R| for 10% uniform and one-class forgetting on Fashion-MNIST, beside the paper (JSON)')
    .option('--quick', 'small version (seconds)')
    .action(async (o: { quick?: boolean }) => {
      await init({ log: false });
      console.log(JSON.stringify(await reducedRetainRatios({ quick: o.quick }), null, 2));
    });
  program
    .command('bench')
    .description('engine benchmark: ConvNet-128 train/inference images/s on the chosen backend and on cpu, as JSON')
    .option('--quick', 'one timed step per measurement')
    .action(async (o: { quick?: boolean }) => {
      const r = await benchEngine({ quick: o.quick });
      console.log(JSON.stringify({ ...r, engine: { backend: r.engine.backend, detail: r.engine.detail, skipped: r.engine.skipped } }, null, 2));
    });
  program
    .command('engine')
    .description('initialise the engine and print which backend it chose and why')
    .action(async () => {
      const info = await init({ log: false });
      console.log(JSON.stringify({ backend: info.backend, detail: info.detail, forced: info.forced, skipped: info.skipped }, null, 2));
    });
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .then(() => process.exit(0))
    .catch((e: Error) => {
      console.error(`unlearn-lab: ${e.message}`);
      process.exit(1);
    });
}

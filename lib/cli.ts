#!/usr/bin/env node
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { benchCondensation, benchEngine, reducedRetainRatios, writeEngineBench } from './bench';
import { BACKEND_ORDER } from './engine/backends';
import { init } from './engine/init';
import { pathSetting } from './io/preflight';
import { datasetNames } from './data/loaders';
import { pretrain, PRETRAIN_PRESETS } from './experiments/pretrain';
import { MAIN_JOB } from './experiments/single-round/settings';
import { allExperiments, experimentNames, experimentsMarkdown, experimentUsage, type AnyExperiment } from './experiments/registry';
import { defaultResultsDir, newRunDir, rerenderResults, runExperiment } from './experiments/run-experiment';
import { gitState, packageVersion } from './experiments/shared/provenance';
import { RUN_FLAG_HELP, type RunFlag, type RunOptions } from './experiments/shared/experiment';
import type { ExperimentOutput } from './experiments/shared/output';
import { PRESET_NAMES, type PresetName } from './experiments/shared/presets';
import { parseForgetRequest } from './experiments/shared/scenario';
import { modelNames } from './models/registry';
import { tableText } from './report/html-table';
import { terminalProgress } from './train/progress';
import { unlearnerNames } from './unlearn';
import {
  arraySpec,
  checkSlurm,
  launchLocal,
  mergeSweep,
  openSweep,
  planSweep,
  runCells,
  runExperimentInCells,
  shellQuote,
  unlearnLabCommand,
  submitSlurm,
  sweepStatus,
  taskCells,
  unfinishedTasks,
  writeKubernetesJob,
  writeSbatch,
  type Sweep,
} from './sweep';

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

/** A forget request in the CLI's words, checked now (parseForgetRequest), kept as written for the recorded command. */
function forgetRequest(v: string): string {
  try {
    parseForgetRequest(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return v;
}

/** --save: models and/or losses. */
function saveList(v: string): ('models' | 'losses')[] {
  const what = v.split(',').map((x) => x.trim()).filter(Boolean);
  if (what.length === 0) throw new InvalidArgumentError(`nothing to save in '${v}'; pass models, losses or models,losses.`);
  what.forEach(choice('thing to save', ['models', 'losses']));
  return what as ('models' | 'losses')[];
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
export const shellWord = shellQuote;

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
  return unlearnLabCommand(command, f.preset, [...flags.map((x) => [x, f[x]] as const), ['out', f.out === undefined ? undefined : commandPath(f.out)]]);
}

/**
 * Runs an experiment into its results folder and prints its tables. `job` (the main job's fixed options
 * beyond the flags, e.g. its forget requests) runs it in one piece, on seed 0; otherwise it is split by
 * seed where the experiment allows it, so a killed run resumes from the seeds it finished.
 */
async function runNamedExperiment(name: string, f: ExperimentFlags, command: string, job?: Record<string, unknown>): Promise<ExperimentOutput> {
  const outDir = pathSetting(f.out, '--out') ?? defaultResultsDir(resultsRoot(), name, f);
  const run = job ? (n: string, o: Parameters<typeof runExperiment>[1]) => runExperiment(n, { ...o, ...job }) : runExperimentInCells;
  const { output, files } = await run(name, {
    preset: f.preset,
    seeds: f.seeds,
    dataset: f.dataset,
    model: f.model,
    methods: f.methods,
    forget: f.forget,
    save: f.save,
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
  if (flag === 'candidate' || flag === 'model') return c.option(usage, description);
  if (flag === 'forget') return c.option(usage, description, forgetRequest);
  if (flag === 'save') return c.option(usage, description, saveList);
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

/**
 * Prints a sweep's counts, its failed cells and what is left: for local and Kubernetes the cells a rerun
 * computes; for Slurm, a plan-only sweep and sweep-status (which does not know the launcher) the array tasks
 * to resubmit.
 */
function printSweepStatus(s: Sweep, chunk: number, launcher: SweepFlags['launcher'] | null): boolean {
  const st = sweepStatus(s);
  console.log(`${s.plan.name}: ${st.cells.length} cells, ${st.done} done, ${st.failed} failed, ${st.todo} not run (${s.dir})`);
  for (const c of st.cells.filter((x) => x.state === 'failed')) console.log(`  FAILED cell ${c.index} ${c.label}: ${(c.error ?? '').split('\n')[0]}`);
  const tasks = unfinishedTasks(st, chunk);
  if (tasks.length > 0 && st.done + st.failed > 0) {
    const cells = arraySpec(st.cells.filter((c) => c.state !== 'done').map((c) => c.index));
    if (launcher === 'local') console.log(`unfinished cells: ${cells}; the same \`unlearn-lab sweep\` command runs only these (finished cells are kept)`);
    else if (launcher === 'kubernetes') console.log(`unfinished cells: ${cells}; a Job from the manifest below computes only these (its workers skip finished cells)`);
    else {
      console.log(`unfinished tasks (chunk ${chunk}): ${arraySpec(tasks)}; resubmit them with \`sbatch --array=${arraySpec(tasks)} ${path.join(s.dir, 'slurm', 'sweep.sbatch')}\` ` +
        'or rerun the same `unlearn-lab sweep` command (it submits only the unfinished tasks)');
    }
  }
  return st.done === st.cells.length;
}

interface SweepFlags {
  out?: string;
  launcher: 'local' | 'slurm' | 'kubernetes' | 'none';
  workers: number;
  chunk: number;
  wait?: boolean;
  merge: boolean;
  slurmCpus?: number;
  slurmTime?: string;
  slurmPartition?: string;
  slurmMaxParallel?: number;
  image: string;
  pvc: string;
  parallelism?: number;
}

async function mergeAndPrint(dir: string, command: string): Promise<void> {
  const groups = await mergeSweep(dir, { command, log: (line) => console.log(line) });
  console.log(`merged ${groups.length} group(s) into ${path.join(dir, 'merged')}${path.sep}`);
}

async function runSweep(spec: string, f: SweepFlags): Promise<void> {
  const name = path.basename(spec).replace(/\.(ya?ml|json)$/i, '');
  const dir = pathSetting(f.out, '--out') ?? path.join(resultsRoot(), 'runs', 'sweeps', name);
  const s = planSweep(spec, dir);
  const mergeCommand = `npx unlearn-lab merge ${shellWord(commandPath(dir))}`;
  const complete = printSweepStatus(s, f.chunk, f.launcher);
  if (f.launcher === 'none') return;
  if (f.launcher === 'kubernetes') {
    const file = writeKubernetesJob(s, { chunk: f.chunk, image: f.image, pvc: f.pvc, parallelism: f.parallelism });
    console.log(`wrote ${file}: copy ${dir} onto the claim '${f.pvc}', then \`kubectl apply -f ${file}\`; when the Job completes, copy the folder back and run \`${mergeCommand}\``);
    return;
  }
  if (!complete && f.launcher === 'local') {
    const codes = await launchLocal(s, f.workers, { log: (line) => console.log(line) });
    if (codes.some((c) => c !== 0)) console.log(`workers exited with ${codes.join(', ')}; logs in ${path.join(dir, 'logs')}`);
  }
  if (!complete && f.launcher === 'slurm') {
    const tasks = unfinishedTasks(sweepStatus(s), f.chunk);
    const script = writeSbatch(s, { chunk: f.chunk, tasks, cpusPerTask: f.slurmCpus, time: f.slurmTime, partition: f.slurmPartition, maxParallel: f.slurmMaxParallel });
    const { jobId, exitCode } = submitSlurm(script, { wait: f.wait });
    console.log(`submitted Slurm job ${jobId} (array ${arraySpec(tasks)}, script ${script}; logs ${path.join(dir, 'logs')}${path.sep}slurm-${jobId}_<task>.out)`);
    if (!f.wait) {
      console.log(`follow it with \`squeue -j ${jobId}\`; when it ends, \`npx unlearn-lab sweep-status ${shellWord(commandPath(dir))}\` and \`${mergeCommand}\``);
      return;
    }
    if (exitCode !== 0) console.log(`sbatch --wait ended with exit code ${exitCode}: some tasks failed`);
  }
  if (!printSweepStatus(s, f.chunk, f.launcher)) throw new Error(`the sweep ${dir} has unfinished cells (listed above); rerun the same command to run them.`);
  if (f.merge) await mergeAndPrint(dir, mergeCommand);
}

function addSweepCommands(program: Command): void {
  program
    .command('sweep')
    .description('plan a grid (experiment x presets x methods x seeds, or LiRA shadows) as cells keyed by config hash and run the unfinished ones (docs/sweeps.md)')
    .argument('<spec>', 'the sweep spec (YAML or JSON)')
    .option('--out <dir>', 'the sweep folder (default runs/sweeps/<spec name>)')
    .option('--launcher <l>', 'local (worker processes), slurm (a job array), kubernetes (an Indexed Job manifest) or none (plan only)', choice('launcher', ['local', 'slurm', 'kubernetes', 'none']), 'local')
    .option('--workers <n>', 'local worker processes', positive('workers'), 1)
    .option('--chunk <n>', 'cells per Slurm array task or Kubernetes index', positive('chunk'), 1)
    .option('--wait', 'slurm: wait for the array to end (sbatch --wait), then list failures and merge')
    .option('--no-merge', 'do not merge when every cell is done')
    .option('--slurm-cpus <n>', 'slurm: --cpus-per-task', positive('slurm-cpus'))
    .option('--slurm-time <t>', 'slurm: --time per task, e.g. 02:00:00')
    .option('--slurm-partition <p>', 'slurm: --partition')
    .option('--slurm-max-parallel <n>', 'slurm: at most n tasks at once (--array=...%n)', positive('slurm-max-parallel'))
    .option('--image <image>', 'kubernetes: an image holding this checkout built at /app', 'unlearn-lab:latest')
    .option('--pvc <claim>', 'kubernetes: the ReadWriteMany claim holding the sweep folder (mounted at /sweep)', 'unlearn-lab-sweep')
    .option('--parallelism <n>', 'kubernetes: indexes run at once', positive('parallelism'))
    .action(async (spec: string, f: SweepFlags) => runSweep(spec, f));
  program
    .command('sweep-task')
    .description("run some cells of a planned sweep (what the launchers run): a Slurm task / Kubernetes index (--task), a local worker's share (--worker/--workers) or given cells (--cells)")
    .argument('<dir>', 'the sweep folder')
    .option('--task <t>', 'task index: cells t*chunk .. t*chunk+chunk-1', integer('task'))
    .option('--chunk <n>', 'cells per task', positive('chunk'), 1)
    .option('--worker <w>', 'local worker w of --workers: cells w, w+workers, ...', integer('worker'))
    .option('--workers <n>', 'number of local workers', positive('workers'))
    .option('--cells <i,...>', 'these cell indexes')
    .option('--list', 'print the cells (index, key, label) it would run, as JSON, and run nothing')
    .action(async (dir: string, o: { task?: number; chunk: number; worker?: number; workers?: number; cells?: string; list?: boolean }) => {
      const s = openSweep(dir);
      const n = s.plan.cells.length;
      const ways = [o.task !== undefined, o.worker !== undefined, o.cells !== undefined].filter(Boolean).length;
      if (ways !== 1) throw new Error('sweep-task: give exactly one of --task <t> (with --chunk), --worker <w> --workers <n>, or --cells <i,...>.');
      let indexes: number[];
      if (o.task !== undefined) indexes = taskCells(n, o.task, o.chunk);
      else if (o.worker !== undefined) {
        if (o.workers === undefined || o.worker >= o.workers) throw new Error(`sweep-task: --worker ${o.worker} needs --workers <n> with n > ${o.worker}.`);
        indexes = Array.from({ length: n }, (_, i) => i).filter((i) => i % o.workers! === o.worker);
      } else {
        indexes = o.cells!.split(',').map((x) => Number(x.trim()));
        const bad = indexes.find((i) => !Number.isInteger(i) || i < 0 || i >= n);
        if (bad !== undefined) throw new Error(`sweep-task: --cells: ${bad} is no cell index of this sweep (0..${n - 1}).`);
      }
      if (o.list) {
        console.log(JSON.stringify(indexes.map((i) => ({ index: i, key: s.plan.cells[i].key, group: s.plan.cells[i].group, config: s.plan.cells[i].config }))));
        return;
      }
      const where = o.task !== undefined ? `task ${o.task}${process.env.SLURM_ARRAY_JOB_ID ? ` of Slurm job ${process.env.SLURM_ARRAY_JOB_ID}` : ''}` : o.worker !== undefined ? `local worker ${o.worker}` : 'cells';
      const failed = await runCells(s, indexes, { where, log: (line) => console.log(`[${new Date().toISOString()}] ${line}`) });
      if (failed > 0) throw new Error(`${failed} of ${indexes.length} cell(s) failed (${where}); see the log above and ${path.join(s.dir, 'cells', 'failed')}.`);
    });
  program
    .command('sweep-status')
    .description('count the finished, failed and unrun cells of a sweep and name the tasks to resubmit')
    .argument('<dir>', 'the sweep folder')
    .option('--chunk <n>', 'cells per task, as submitted', positive('chunk'), 1)
    .option('--check-slurm', 'also check that Slurm answers')
    .action((dir: string, o: { chunk: number; checkSlurm?: boolean }) => {
      if (o.checkSlurm) checkSlurm();
      if (!printSweepStatus(openSweep(dir), o.chunk, null)) process.exitCode = 2;
    });
  program
    .command('merge')
    .description("build each group's results (tables with 95% CIs, CSVs, report; LiRA numbers) from a sweep's finished cells into <dir>/merged/")
    .argument('<dir>', 'the sweep folder')
    .action(async (dir: string) => mergeAndPrint(dir, `npx unlearn-lab merge ${shellWord(commandPath(dir))}`));
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
      'the main job of `npm start`: single-round with the cpu preset, one seed, 10% uniform forgetting, Original, Retrain, CF and A-CF ' +
        'on the full retain set (the full Tables 1-4 with Blend: `unlearn-lab single-round --seeds 3`); ' +
        'writes a run folder of its own, runs/<UTC time>-single-round-<preset> (the committed results/ stay as they are)',
    )
    .option('--preset <p>', PRESET_HELP, choice('preset', PRESET_NAMES), 'cpu')
    .option('--out <dir>', 'output directory (default runs/<UTC time>-single-round-<preset>)')
    .option('--quiet', 'no progress bar')
    .action(async (o: { preset: PresetName; out?: string; quiet?: boolean }) => {
      const out = pathSetting(o.out, '--out') ?? newRunDir(resultsRoot(), 'single-round', o.preset);
      const f: ExperimentFlags = { preset: o.preset, out, quiet: o.quiet };
      // The folder is recorded, so the command reruns into it as written.
      await runNamedExperiment('single-round', f, commandLine('main', [], f), MAIN_JOB);
      console.log(`results in ${commandPath(out)}${path.sep} (report.html, results.json, CSVs)` + (o.out === undefined ? '; the committed reference results in results/ are left as they are' : ''));
    });
  for (const e of allExperiments()) addExperimentCommand(program, e);
  // An unknown command is most likely a mistyped experiment: name the experiments (and where the other commands are).
  program.on('command:*', (operands: string[]) => {
    program.error(`Unknown experiment '${operands[0]}'. Choose one of: ${experimentNames().join(', ')} (other commands: unlearn-lab --help).`, { code: 'unlearn-lab.unknownExperiment' });
  });
  addSweepCommands(program);
  program
    .command('report')
    .description("rebuild a finished run's tables, figures and report.html from its results.json with the current views (re-runs nothing; the numbers and provenance stay)")
    .argument('<dir>', 'the results folder, e.g. results/single-round/cpu')
    .action(async (dir: string) => {
      const { files } = await rerenderResults(dir, `unlearn-lab ${packageVersion()} (git ${gitState().commit?.slice(0, 12) ?? 'none'})`);
      console.log(`rewrote ${files.map((x) => path.relative(process.cwd(), x)).join(', ')}`);
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
    .description(
      'engine benchmark (JSON): ConvNet-128, ResNet-18 and MLP train/inference images/s, GFLOP/s and share of the wasm SIMD limit, ' +
        'memory and a per-kernel profile, beside PyTorch measured in the same run when python3 can import torch; ' +
        'writes results/bench/engine-<date>.json',
    )
    .option('--quick', 'tiny batches, one step each (seconds; checks the bench, not the speed); writes a file only with --out')
    .option('--out <file>', 'write the JSON here instead of results/bench/engine-<date>.json')
    .action(async (o: { quick?: boolean; out?: string }) => {
      const r = await benchEngine({ quick: o.quick, log: (line) => console.error(line) });
      console.log(JSON.stringify(r, null, 2));
      if (!o.quick || o.out) console.error(`wrote ${writeEngineBench(r, o.out)}`);
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
    // A command may set process.exitCode (sweep-status: 2 while cells are unfinished).
    .then(() => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0))
    .catch((e: Error) => {
      console.error(`unlearn-lab: ${e.message}`);
      process.exit(1);
    });
}

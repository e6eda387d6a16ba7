#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { benchEngine } from './engine/bench';
import { init } from './engine/init';
import { BACKEND_ORDER } from './engine/backends';
import { pretrain, PRETRAIN_PRESETS } from './experiments/pretrain';
import { modelNames } from './models/registry';
import { terminalProgress } from './train/progress';

function integer(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer.`);
    return n;
  };
}

function choice(name: string, choices: readonly string[]) {
  return (v: string) => {
    if (!choices.includes(v)) throw new InvalidArgumentError(`unknown ${name} '${v}'; choose one of: ${choices.join(', ')}.`);
    return v;
  };
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

export function buildProgram(): Command {
  const program = new Command('unlearn-lab')
    .description('Machine-unlearning experiments on image classifiers (Blend/A-AMU, DC unlearning, SULI).')
    .addHelpText(
      'after',
      `\nBackends (UNLEARN_BACKEND): ${BACKEND_ORDER.join(', ')}\nModels: ${modelNames().join(', ')}\nPresets: ${Object.keys(PRETRAIN_PRESETS).join(', ')}\nDatasets: fashion-mnist`,
    );
  program
    .command('main')
    .description('the main job of `npm start`: pretrain a ConvNet on Fashion-MNIST (cpu preset), print test accuracy and images/s')
    .option('--seed <n>', 'run seed', integer('seed'), 0)
    .action(async (o: { seed: number }) => runPretrain('cpu', o.seed));
  program
    .command('pretrain')
    .description('train a model from scratch with a preset')
    .option('--preset <p>', `one of ${Object.keys(PRETRAIN_PRESETS).join(', ')}`, choice('preset', Object.keys(PRETRAIN_PRESETS)), 'cpu')
    .option('--seed <n>', 'run seed', integer('seed'), 0)
    .action(async (o: { preset: string; seed: number }) => runPretrain(o.preset, o.seed));
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

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CommanderError, type Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../lib/cli';
import { allExperiments, experimentNames, experimentsMarkdown, getExperiment } from '../../lib/experiments/registry';
import { RUN_FLAGS, type RunFlag, type RunOptions } from '../../lib/experiments/shared/experiment';
import { checkRunOptions } from '../../lib/experiments/shared/harness';

const root = path.resolve(__dirname, '..', '..');

/** The program with every command throwing instead of exiting, and stderr captured. */
function program(): { program: Command; errors: string[] } {
  const errors: string[] = [];
  const p = buildProgram();
  for (const c of [p, ...p.commands]) c.exitOverride().configureOutput({ writeErr: (s) => errors.push(s), writeOut: () => {} });
  return { program: p, errors };
}

/** Parses argv and returns the commander error it raised (or null); nothing is run when parsing fails. */
async function parseError(argv: string[]): Promise<{ error: CommanderError | null; stderr: string }> {
  const { program: p, errors } = program();
  try {
    await p.parseAsync(['node', 'unlearn-lab', ...argv]);
    return { error: null, stderr: errors.join('') };
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return { error: e, stderr: errors.join('') };
  }
}

/** A value for a flag that the CLI parses and the runner then rejects past the option check (cheap: before any data or training). */
const LATE_FAILING: Record<RunFlag, { arg: string; error: RegExp } | null> = {
  seeds: null,
  dataset: null,
  model: { arg: 'vgg16', error: /has the models .*, not 'vgg16'/ },
  methods: { arg: 'cf,nope', error: /Unknown unlearning method 'nope'/ },
  forget: null,
  save: null,
  candidate: null,
  shadows: null,
};

describe('the command line comes from the experiment registry', () => {
  it("README's experiment table is the one the registry generates (`unlearn-lab experiments --markdown`)", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(experimentsMarkdown());
    for (const name of experimentNames()) expect(experimentsMarkdown()).toContain(`\`${name}\``);
  });

  it('each experiment command offers --preset, exactly the flags its experiment declares, --out and --quiet', () => {
    const { program: p } = program();
    for (const e of allExperiments()) {
      const c = p.commands.find((x) => x.name() === e.name)!;
      expect(c, e.name).toBeDefined();
      const longs = c.options.map((o) => o.long);
      expect(longs.sort()).toEqual(['--preset', ...e.flags.map((f) => `--${f}`), '--out', '--quiet'].sort());
    }
  });

  it('every advertised flag is accepted by its runner, every other run option is rejected by it', () => {
    const values: Record<RunFlag, Partial<RunOptions>> = {
      seeds: { seeds: 2 },
      dataset: { dataset: 'fashion-mnist' },
      model: { model: 'mlp' },
      methods: { methods: ['cf'] },
      forget: { forget: 'class:0' },
      save: { save: ['losses'] },
      candidate: { candidate: 'n300-w32-sgd0.05-const-e30-b64' },
      shadows: { shadows: 2 },
    };
    for (const e of allExperiments()) {
      for (const f of RUN_FLAGS) {
        const o: RunOptions = { preset: 'smoke', ...values[f] };
        if (e.flags.includes(f)) expect(() => checkRunOptions(e, o), `${e.name} --${f}`).not.toThrow();
        else expect(() => checkRunOptions(e, o), `${e.name} --${f}`).toThrow(new RegExp(`^${e.name}: --${f} is not an option of this experiment`));
      }
    }
  });

  it('the runners themselves apply the check: an undeclared option is rejected before any work', async () => {
    for (const e of allExperiments()) {
      const undeclared = RUN_FLAGS.find((f) => !e.flags.includes(f));
      if (undeclared == null) continue;
      const o = { preset: 'smoke', [undeclared]: undeclared === 'methods' ? ['cf'] : undeclared === 'seeds' ? 2 : 'fashion-mnist' } as RunOptions;
      await expect(e.run(o), e.name).rejects.toThrow(`${e.name}: --${undeclared} is not an option of this experiment`);
    }
  });

  it('a declared --methods reaches the runner (its own check answers, not the option check)', async () => {
    for (const e of allExperiments().filter((x) => x.flags.includes('methods'))) {
      const late = LATE_FAILING.methods!;
      await expect(e.run({ preset: 'smoke', methods: late.arg.split(',') }), e.name).rejects.toThrow(late.error);
    }
  }, 60_000);

  it('an unknown flag gets commander\'s error naming the flag', async () => {
    for (const [e, flag] of [['aamu-anatomy', '--dataset'], ['single-round', '--dataset'], ['reduced-retain-strategies', '--model']]) {
      const { error, stderr } = await parseError([e, '--preset', 'smoke', flag, '1']);
      expect(error?.code, `${e} ${flag}`).toBe('commander.unknownOption');
      expect(stderr).toContain(`unknown option '${flag}'`);
    }
  });

  it('an unknown experiment and a bad preset each get one clear error', async () => {
    const unknown = await parseError(['singel-round', '--preset', 'smoke']);
    expect(unknown.stderr).toContain(`Unknown experiment 'singel-round'. Choose one of: ${experimentNames().join(', ')}`);
    const preset = await parseError(['single-round', '--preset', 'laptop']);
    expect(preset.error?.code).toBe('commander.invalidArgument');
    expect(preset.stderr).toContain("Unknown preset 'laptop'. Choose one of: smoke, cpu, gpu-paper.");
    const method = await parseError(['multi-round', '--methods', 'cf,nope']);
    expect(method.stderr).toContain("Unknown unlearning method 'nope'. Choose one of:");
    expect(() => getExperiment('nope')).toThrow(`Unknown experiment 'nope'. Choose one of: ${experimentNames().join(', ')}.`);
  });

  it('--help lists every experiment with its flags', () => {
    const { program: p } = program();
    let text = '';
    p.configureOutput({ writeOut: (s) => (text += s) });
    p.outputHelp();
    for (const e of allExperiments()) expect(text, e.name).toContain(`unlearn-lab ${e.name} --preset <p>`);
    expect(text).toContain('[--methods <m,...>]');
  });
});

import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, shellWord } from '../../lib/cli';
import { allExperiments } from '../../lib/experiments/registry';
import type { RunFlag } from '../../lib/experiments/shared/experiment';
import { MAIN_JOB } from '../../lib/experiments/single-round/settings';

// Issue 15: the command a run records (provenance.command, the report's first meta line) is runnable as written.
// The CLI's runner (lib/sweep's runExperimentInCells: one seed per cell, else runExperiment) is replaced by a
// recorder, so parsing a command runs nothing.
const calls = vi.hoisted(() => [] as { name: string; o: Record<string, unknown> }[]);
const record = vi.hoisted(() => (name: string, o: Record<string, unknown>) => {
  calls.push({ name, o });
  return Promise.resolve({ output: { title: 't', meta: [], result: {}, tables: {} }, files: [] });
});
vi.mock('../../lib/sweep/output', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lib/sweep/output')>()),
  runExperimentInCells: vi.fn(record),
}));
// The main job runs in one piece (runExperiment): recorded the same way.
vi.mock('../../lib/experiments/run-experiment', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lib/experiments/run-experiment')>()),
  runExperiment: vi.fn(record),
}));

/** Splits a command as a POSIX shell does for the words it can hold: spaces between words, '...' quoting, \\ escapes. */
function shellSplit(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      expect(end, `unclosed quote in ${command}`).toBeGreaterThan(i);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (ch === '\\') {
      word = (word ?? '') + command[++i];
    } else if (ch === ' ') {
      if (word != null) words.push(word);
      word = null;
    } else {
      expect('"$`;&|<>()*?[]#~!\n\t'.includes(ch), `unquoted '${ch}' in ${command}`).toBe(false);
      word = (word ?? '') + ch;
    }
  }
  if (word != null) words.push(word);
  return words;
}

/** Runs the real CLI on argv (`npx unlearn-lab` stripped) and returns what it passed to runExperiment. */
async function parse(argv: string[]): Promise<{ name: string; o: Record<string, unknown> }> {
  calls.length = 0;
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await buildProgram().parseAsync(['node', 'unlearn-lab', ...argv]);
  } finally {
    log.mockRestore();
  }
  expect(calls).toHaveLength(1);
  return calls[0];
}

/** The recorded command, re-parsed with the real CLI: the same experiment, flags, folder and command. */
async function roundTrip(argv: string[]): Promise<string> {
  const first = await parse(argv);
  const command = first.o.command as string;
  const words = shellSplit(command);
  expect(words.slice(0, 2)).toEqual(['npx', 'unlearn-lab']);
  const again = await parse(words.slice(2));
  const plain = (x: { name: string; o: Record<string, unknown> }) => ({ name: x.name, ...x.o, onProgress: undefined, log: undefined, show: undefined });
  expect(plain(again)).toEqual(plain(first));
  return command;
}

const VALUES: Record<RunFlag, string> = {
  seeds: '2',
  dataset: 'fashion-mnist',
  model: 'mlp',
  methods: 'cf,a-cf',
  forget: 'partial:0.1:1+2',
  save: 'models,losses',
  candidate: 'n300-w32-sgd0.05-const-e30-b64',
  shadows: '2',
};

describe('the recorded command re-parses to the same run', () => {
  const saved = process.env.UNLEARN_RESULTS_ROOT;
  beforeEach(() => {
    process.env.UNLEARN_RESULTS_ROOT = path.join(os.tmpdir(), 'unlearn-lab-recorded-command');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.UNLEARN_RESULTS_ROOT;
    else process.env.UNLEARN_RESULTS_ROOT = saved;
  });

  it('every experiment, with every flag it takes and an --out that needs quoting', async () => {
    const out = path.join(os.tmpdir(), "unlearn lab's out");
    for (const e of allExperiments()) {
      const flags = e.flags.flatMap((f) => [`--${f}`, VALUES[f]]);
      const command = await roundTrip([e.name, '--preset', 'smoke', ...flags, '--out', out, '--quiet']);
      expect(command).toBe(['npx unlearn-lab', e.name, '--preset smoke', ...flags, '--out', shellWord(out)].join(' '));
    }
  });

  it('the preset alone records no --out (the default folder, as the committed results were made)', async () => {
    expect(await roundTrip(['single-round', '--preset', 'cpu'])).toBe('npx unlearn-lab single-round --preset cpu');
    expect(await roundTrip(['suli-class-wise'])).toBe('npx unlearn-lab suli-class-wise --preset cpu');
  });

  it('main (npm start) records its run folder, so the command reruns into it', async () => {
    const command = await roundTrip(['main']);
    // The main job's own scope: one seed, 10% uniform forgetting, Original/Retrain/CF/A-CF.
    expect(calls[0].o).toMatchObject({ ...MAIN_JOB, seeds: undefined });
    expect(command).toMatch(/^npx unlearn-lab main --preset cpu --out \S+\/runs\/\d{8}T\d{6}Z-single-round-cpu$/);
    const { name, o } = await parse(shellSplit(command).slice(2));
    expect(name).toBe('single-round');
    expect(o.outDir).toBe(shellSplit(command).at(-1));
  });

  it('shell words: safe ones as they are, others single-quoted', () => {
    expect(shellWord('results/single-round/cpu')).toBe('results/single-round/cpu');
    expect(shellWord('a b')).toBe("'a b'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellSplit(`x ${shellWord("it's a $HOME")}`)).toEqual(['x', "it's a $HOME"]);
  });
});

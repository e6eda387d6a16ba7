import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchModel } from './engine';

/** One model as the PyTorch script measures it (the same fields lib/bench measures on the engine). */
export interface TorchSpec extends Omit<BenchModel, 'key'> {
  optimizer: { kind: 'sgd'; lr: number; momentum: number; weightDecay: number };
}

export interface TorchSample {
  torch: string;
  threads: number;
  /** Peak RSS of the Python process that measured this one model. */
  peakRssBytes: number;
  parameters: number;
  trainImagesPerSecond: number;
  inferenceImagesPerSecond: number;
  trainSteps: number;
  inferenceSteps: number;
}

export type TorchProbe =
  | { available: true; version: string; python: string }
  | { available: false; python: string; reason: string; install: string };

/** Measures models in PyTorch in this run; lib/bench takes any runner (tests give a stand-in). */
export interface PytorchRunner {
  probe(): TorchProbe;
  /** Throws with the script's error when the measurement fails. */
  measure(spec: TorchSpec, threads: number): TorchSample;
}

export const TORCH_INSTALL_HINT =
  'apt-get install -y python3-torch (Debian/Ubuntu; PyTorch CPU for /usr/bin/python3) or pip install torch; set UNLEARN_BENCH_PYTHON to use another Python';

/** tools/bench/torch_bench.py: lib/bench and dist/bench both sit two levels below the repository root. */
export function torchScriptPath(): string {
  return path.resolve(__dirname, '..', '..', 'tools', 'bench', 'torch_bench.py');
}

const lastLine = (s: string): string => s.trim().split('\n').pop() ?? '';

/** Pythons tried in order: env UNLEARN_BENCH_PYTHON alone when set, else python3 on the PATH, then Debian's /usr/bin/python3 (python3-torch installs there). */
export function torchPythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.UNLEARN_BENCH_PYTHON) return [env.UNLEARN_BENCH_PYTHON];
  return ['python3', '/usr/bin/python3'];
}

/** Runs `python -c 'import torch'`: the version, or why not. */
function probePython(python: string): { version: string } | { reason: string } {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error != null) return { reason: `cannot run '${python}': ${r.error.message}` };
  if (r.status !== 0) return { reason: `'${python} -c "import torch"' failed: ${lastLine(r.stderr)}` };
  return { version: r.stdout.trim() };
}

/**
 * The runner that probes each candidate Python with `import torch` and measures with the first that
 * has it, running tools/bench/torch_bench.py once per model (a fresh process per model: each model is
 * measured right after the engine's figure, and its peak RSS is its own).
 */
export function pythonTorchRunner(pythons: string | string[] = torchPythonCandidates(), script: string = torchScriptPath()): PytorchRunner {
  let python = Array.isArray(pythons) ? pythons[0] : pythons;
  return {
    probe(): TorchProbe {
      const reasons: string[] = [];
      for (const candidate of Array.isArray(pythons) ? pythons : [pythons]) {
        const p = probePython(candidate);
        if ('reason' in p) {
          reasons.push(p.reason);
          continue;
        }
        if (!fs.existsSync(script)) return { available: false, python: candidate, reason: `the PyTorch bench script ${script} is missing from this install`, install: TORCH_INSTALL_HINT };
        python = candidate;
        return { available: true, version: p.version, python };
      }
      return { available: false, python, reason: reasons.join('; '), install: TORCH_INSTALL_HINT };
    },
    measure(spec: TorchSpec, threads: number): TorchSample {
      const r = spawnSync(python, [script, '--threads', String(threads), '--spec', JSON.stringify(spec)], {
        encoding: 'utf8',
        timeout: 15 * 60_000,
        // Only the thread count we pass: OMP/MKL variables would fight torch.set_num_threads.
        env: { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) },
      });
      if (r.error != null) throw new Error(`PyTorch bench of ${spec.model} could not run: ${r.error.message}`);
      if (r.status !== 0) throw new Error(`PyTorch bench of ${spec.model} failed (exit ${r.status}): ${lastLine(r.stderr)}`);
      const out = JSON.parse(lastLine(r.stdout)) as { torch: string; threads: number; peakRssBytes: number; sample: Omit<TorchSample, 'torch' | 'threads' | 'peakRssBytes'> };
      const s = out.sample;
      return {
        torch: out.torch,
        threads: out.threads,
        peakRssBytes: out.peakRssBytes,
        parameters: s.parameters,
        trainImagesPerSecond: s.trainImagesPerSecond,
        inferenceImagesPerSecond: s.inferenceImagesPerSecond,
        trainSteps: s.trainSteps,
        inferenceSteps: s.inferenceSteps,
      };
    },
  };
}

#!/usr/bin/env node
// `npm run gpu-check` and the bundled form on a bare GPU machine (tools/gpu/): one JSON report.
import { Command } from 'commander';
import { NoGpuAdapterError } from './adapter';
import { QUICK_OPTIONS, resultsFile, runGpuCheck } from './run';
import { SMOKE_DEFAULTS } from './smoke';

async function main(argv: string[]): Promise<void> {
  const o = new Command('gpu-check')
    .description('WebGPU backend check: adapter, gradients vs cpu, images/s vs wasm, gpu-paper smoke; prints one JSON object')
    .option('--out <file>', 'write the JSON here (after every section) instead of stdout')
    .option('--results', 'write the JSON to results/bench/gpu-<date>.json (relative to --root)')
    .option('--root <dir>', 'repository root for --results', process.cwd())
    .option('--backend <name>', "backend under test: 'webgpu', or 'wasm' for a CPU dry run of the report code", 'webgpu')
    .option('--data-dir <dir>', 'Fashion-MNIST idx directory for the smoke (default: FASHION_MNIST_DIR or Debian\'s)')
    .option('--quick', 'tiny geometries and smoke, wasm against cpu: the CPU dry run of the report code (with --backend wasm)')
    .option('--no-smoke', 'skip the gpu-paper smoke')
    .parse(argv)
    .opts<{ out?: string; results?: boolean; root: string; backend: string; dataDir?: string; smoke: boolean; quick?: boolean }>();
  if (o.backend !== 'webgpu' && o.backend !== 'wasm') throw new Error(`Unknown backend '${o.backend}'. Choose one of: webgpu, wasm.`);
  const out = o.out ?? (o.results ? resultsFile(o.root) : undefined);
  const base = o.quick ? QUICK_OPTIONS : {};
  const smoke = base.smoke ?? SMOKE_DEFAULTS;
  const report = await runGpuCheck({
    ...base,
    backend: o.backend,
    smoke: o.smoke && smoke ? { ...smoke, dataDir: o.dataDir } : null,
    out,
    log: (line) => console.error(line),
  });
  if (out) console.error(`gpu-check: wrote ${out}`);
  else process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

main(process.argv).catch((e: Error) => {
  console.error(e instanceof NoGpuAdapterError ? e.message : `gpu-check failed: ${e.stack ?? e}`);
  process.exit(e instanceof NoGpuAdapterError ? 3 : 1);
});

import { defineConfig } from 'vitest/config';

/**
 * The suites that need minutes of real components: notebooks in Jupyter (all but 06 and the 2024 paper's,
 * which `npm test` runs: test/notebooks/notebooks-in-npm-test.test.ts), the 40 MiB GPU carry bundle,
 * every unlearning method on the webgpu backend (Mesa's software Vulkan, installed by tools/gpu/software-vulkan.sh).
 */
export const SLOW_SUITES = ['test/notebooks/notebooks.test.ts', 'test/notebooks/kernel-anywhere.test.ts', 'test/gpu-check/bundle.test.ts', 'test/gpu-check/methods-on-webgpu.test.ts', 'test/gpu-check/webgpu-kernels.test.ts'];

/**
 * The sweep suites (lib/sweep): a SIGKILL-and-resume of a sweep and of a single experiment, a real
 * one-node Slurm that tools/slurm/start-local.sh installs and starts, and the notebooks' run cache
 * (cachedRun: four smoke runs). Minutes each, so neither in `npm test`
 * nor in `npm run test:slow`: CI runs them after those (`vitest run --config vitest.slow.config.mts --mode sweep`).
 */
export const SWEEP_SUITES = ['test/sweep/resume.test.ts', 'test/sweep/slurm.test.ts', 'test/sweep/run-cache.test.ts'];

/**
 * The end-to-end suites: whole experiment runs through the CLI path (resume, run folders, reports), the
 * experiments whose notebooks `npm test` already runs (20-24), and static figure export through headless
 * Chromium. Minutes together, so out of `npm test` (kept under 12 minutes on 2 cores); CI runs them after
 * test:slow (`vitest run --config vitest.slow.config.mts --mode e2e`).
 */
export const E2E_SUITES = [
  'test/experiments/single-round.test.ts',
  'test/experiments/memorisation-regime.test.ts',
  'test/experiments/run-folders.test.ts',
  'test/experiments/baseline-sweep.test.ts',
  'test/experiments/aamu-anatomy.test.ts',
  'test/experiments/multi-round.test.ts',
  'test/experiments/modular-unlearning.test.ts',
  'test/experiments/modular-studies.test.ts',
  'test/experiments/condensed-model-unlearning.test.ts',
  'test/experiments/mia-defence.test.ts',
  'test/plot/static-image.test.ts',
];

/**
 * The real-browser suite: Debian's classic Jupyter Notebook and Chromium (tools/browser/install.sh installs
 * them) driven by puppeteer-core; runs a notebook, saves, reloads and checks the Plotly figures. Minutes, so
 * CI runs it on its own after the sweep suites (`vitest run --config vitest.slow.config.mts --mode browser`).
 */
export const BROWSER_SUITES = ['test/browser/**/*.test.ts'];

/** Shared by both configs. Each file in its own process: the threaded wasm backend and tf's global engine are per process. */
export const RUNNER = { pool: 'forks', testTimeout: 120_000, hookTimeout: 120_000 } as const;

// `npm test` stays fast; `npm run test:slow` (vitest.slow.config.mts) runs the slow suites, and CI runs both.
export default defineConfig({
  test: { ...RUNNER, include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', ...SLOW_SUITES, ...E2E_SUITES, ...SWEEP_SUITES, ...BROWSER_SUITES] },
});

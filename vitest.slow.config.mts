import { defineConfig } from 'vitest/config';
import { BROWSER_SUITES, E2E_SUITES, RUNNER, SLOW_SUITES, SWEEP_SUITES } from './vitest.config.mts';

// `npm run test:slow`: the notebooks executed in Jupyter and the GPU carry bundle (CI runs it after `npm test`).
// `--mode e2e`: whole experiment runs, the 2024 experiments' runner suites and static figure export (CI runs it after test:slow).
// `--mode sweep`: the kill-and-resume and Slurm suites of lib/sweep, one file at a time (CI runs it after test:slow).
// `--mode browser`: the real-browser suite (classic Jupyter Notebook + Chromium + puppeteer-core; CI runs it last).
export default defineConfig(({ mode }) =>
  mode === 'e2e'
    ? { test: { ...RUNNER, include: E2E_SUITES } }
    : mode === 'sweep'
      ? { test: { ...RUNNER, include: SWEEP_SUITES, fileParallelism: false, testTimeout: 600_000, hookTimeout: 600_000 } }
      : mode === 'browser'
        ? { test: { ...RUNNER, include: BROWSER_SUITES, fileParallelism: false, testTimeout: 600_000, hookTimeout: 900_000 } }
        : { test: { ...RUNNER, include: SLOW_SUITES } },
);

import { defineConfig } from 'vitest/config';
import { RUNNER, SLOW_SUITES } from './vitest.config.mts';

// `npm run test:slow`: the notebooks executed in Jupyter and the GPU carry bundle (CI runs it after `npm test`).
export default defineConfig({ test: { ...RUNNER, include: SLOW_SUITES } });

import type { ExperimentInfo } from '../shared/experiment';
import { BLEND_PAPER_SETTINGS, type BlendPaperSetting, type PresetName } from '../shared/presets';
import type { ForgetRequest } from '../shared/scenario';

export const SINGLE_ROUND: ExperimentInfo = {
  name: 'single-round',
  title: 'Blend/A-AMU paper (000), Sec. 4.3, Tables 1-4: single-round unlearning without and with Blend',
  flags: ['seeds', 'methods', 'forget', 'save'],
};

export interface SingleRoundPreset extends BlendPaperSetting {
  seeds: number;
  requests: ForgetRequest[];
  methods: string[];
}

/** The methods of Tables 1-4 (distillation, synflow, a-l1 and a-scrub are registered too: pass them with --methods). */
export const BLEND_PAPER_METHODS = ['retrain', 'cf', 'bad-teacher', 'l1-sparse', 'scrub', 'pruning', 'a-cf'];

/** The paper's two forget requests: 10% uniform and one whole class. */
export const SINGLE_ROUND_REQUESTS: ForgetRequest[] = [{ kind: 'uniform', fraction: 0.1 }, { kind: 'class', classes: [0] }];

/** The Blend/A-AMU setting of each preset (shared/presets) with one seed on smoke and cpu, three (the paper's) on gpu-paper. */
export const SINGLE_ROUND_PRESETS: Record<PresetName, SingleRoundPreset> = {
  smoke: { ...BLEND_PAPER_SETTINGS.smoke, seeds: 1, requests: SINGLE_ROUND_REQUESTS, methods: BLEND_PAPER_METHODS },
  cpu: { ...BLEND_PAPER_SETTINGS.cpu, seeds: 1, requests: SINGLE_ROUND_REQUESTS, methods: BLEND_PAPER_METHODS },
  'gpu-paper': { ...BLEND_PAPER_SETTINGS['gpu-paper'], seeds: 3, requests: SINGLE_ROUND_REQUESTS, methods: BLEND_PAPER_METHODS },
};

/**
 * What `npm start` runs (the main job): one seed (0) of the 10% uniform forget request (the one the MIA
 * score reads), Original, Retrain, CF and A-CF on the full retain set: the paper's central comparison in
 * the memorising regime, within the 15 minutes a fresh machine may take with set-up (Retrain alone takes
 * about 4 of them; the Blend variants would add about 4 more, so they are left to the full run).
 * The full Tables 1-4 (every method, both requests, with and without Blend, three seeds):
 * `npx unlearn-lab single-round --preset cpu --seeds 3`.
 */
export const MAIN_JOB: { requests: ForgetRequest[]; methods: string[]; variants: ('full' | 'blend')[] } = {
  requests: [{ kind: 'uniform', fraction: 0.1 }],
  methods: ['retrain', 'cf', 'a-cf'],
  variants: ['full'],
};

import { concatDatasets, indicesOfIds, size, type Dataset } from '../data/dataset';
import { confidenceOf } from '../metrics/confidence';
import { liraScores, liraShadowPhi, liraShadowPlan, type LiraShadows } from '../metrics/lira';
import { liraNumbers, trainWithRecipe, type RegimeLiraCell } from '../experiments/memorisation-regime/run';
import { disposeScenario, prepareScenario, type Scenario } from '../experiments/shared/scenario';
import { predict } from '../train/evaluate';
import type { ProgressSink } from '../train/progress';
import type { LiraShadowConfig, LiraTargetConfig } from './cells';
import { liraCandidate } from './spec';
import { candidateData } from '../experiments/memorisation-regime/settings';
import type { PresetName } from '../experiments/shared/presets';

/**
 * LiRA (lib/metrics/lira) as sweep cells: the audit memorisation-regime runs in one process
 * (`--shadows n`), split into a target cell (the original and its Retrain scored on the population)
 * and one cell per shadow model, so 64-256 shadows can run on many machines at once. The shadows'
 * halves and seeds come from liraShadowPlan, the same draws trainLiraShadows makes, so the merged audit
 * is the one the experiment computes.
 */
export interface LiraTargetCell {
  populationSize: number;
  /** Population positions of the forget set (members) and of the evaluation split (non-members). */
  members: Int32Array;
  nonMembers: Int32Array;
  phiOriginal: Float64Array;
  phiRetrain: Float64Array;
  retrainSeconds: number;
  backend: string;
}

export interface LiraShadowCell {
  shadow: number;
  populationSize: number;
  phi: Float64Array;
  seconds: number;
}

/** The merged audit: memorisation-regime's LiRA cell (without its store key and finish time), with its preset. */
export type LiraAudit = Omit<RegimeLiraCell, 'key' | 'finishedAt'> & { preset: string };

interface CellRunOptions {
  cacheDir?: string;
  dataDir?: string;
  onProgress?: ProgressSink;
  log?: (line: string) => void;
}

/** The audit's scenario (memorisation-regime's: the candidate's data, 10% uniform forget set, the audit seed) and its population: the training subset, then the evaluation split. */
async function withPopulation<T>(c: LiraTargetConfig | LiraShadowConfig, o: CellRunOptions, use: (s: Scenario, population: Dataset) => Promise<T>): Promise<T> {
  const { p, c: cand } = liraCandidate(c.preset as PresetName, c.candidate);
  const s = await prepareScenario({
    data: candidateData(p, cand),
    recipe: cand.recipe,
    request: { kind: 'uniform', fraction: p.forgetFraction },
    seed: c.seed,
    cacheDir: o.cacheDir,
    dataDir: o.dataDir,
    onProgress: o.onProgress,
    log: o.log,
  });
  try {
    return await use(s, concatDatasets(`${s.train.name} train+test-eval`, [s.train, s.testEval]));
  } finally {
    disposeScenario(s);
  }
}

export async function runLiraTarget(c: LiraTargetConfig, o: CellRunOptions): Promise<LiraTargetCell> {
  const { c: cand } = liraCandidate(c.preset as PresetName, c.candidate);
  return withPopulation(c, o, async (s, population) => {
    const nTrain = size(s.train);
    const t0 = performance.now();
    const retrain = await trainWithRecipe(s.retain, cand.recipe, c.seed, `retrain ${cand.name} (LiRA)`, o.onProgress);
    const retrainSeconds = (performance.now() - t0) / 1000;
    try {
      return {
        populationSize: size(population),
        members: indicesOfIds(s.train, s.forget.ids),
        nonMembers: Int32Array.from({ length: size(s.testEval) }, (_, i) => nTrain + i),
        phiOriginal: confidenceOf(await predict(s.original, population)),
        phiRetrain: confidenceOf(await predict(retrain, population)),
        retrainSeconds,
        backend: s.engine.backend,
      };
    } finally {
      retrain.dispose();
    }
  });
}

/** memorisation-regime seeds its shadows with `lira-<seed>`. */
export const liraShadowSeed = (seed: number) => `lira-${seed}`;

export async function runLiraShadow(c: LiraShadowConfig, o: CellRunOptions): Promise<LiraShadowCell> {
  const { c: cand } = liraCandidate(c.preset as PresetName, c.candidate);
  return withPopulation(c, o, async (_s, population) => {
    const t0 = performance.now();
    const plan = liraShadowPlan(size(population), c.shadows, liraShadowSeed(c.seed));
    const phi = await liraShadowPhi(population, (train, sd) => trainWithRecipe(train, cand.recipe, sd, `LiRA shadow ${c.shadow + 1}/${c.shadows} of ${cand.name}`, o.onProgress), plan.inMask[c.shadow], plan.seeds[c.shadow]);
    return { shadow: c.shadow, populationSize: size(population), phi, seconds: (performance.now() - t0) / 1000 };
  });
}

/** The shadows of an audit from all its shadow cells (any order; each shadow exactly once), checked against the target. */
function shadowsOf(config: LiraTargetConfig, target: LiraTargetCell, shadowCells: readonly LiraShadowCell[]): LiraShadows {
  const n = target.populationSize;
  const byIndex = [...shadowCells].sort((a, b) => a.shadow - b.shadow);
  if (byIndex.length !== config.shadows || byIndex.some((s, i) => s.shadow !== i)) {
    throw new Error(`LiRA merge (${config.candidate}, ${config.preset}): need shadows 0..${config.shadows - 1} once each, got ${byIndex.map((s) => s.shadow).join(', ')}.`);
  }
  const bad = byIndex.find((s) => s.populationSize !== n || s.phi.length !== n);
  if (bad) throw new Error(`LiRA merge (${config.candidate}, ${config.preset}): shadow ${bad.shadow} scored ${bad.phi.length} examples, the target's population has ${n}; the cells come from different data.`);
  return { phi: byIndex.map((s) => s.phi), inMask: liraShadowPlan(n, config.shadows, liraShadowSeed(config.seed)).inMask, populationSize: n, seconds: byIndex.reduce((a, s) => a + s.seconds, 0) };
}

/** The audit from its target cell and all its shadow cells (any order; each shadow exactly once). */
export function mergeLira(config: LiraTargetConfig, target: LiraTargetCell, shadowCells: readonly LiraShadowCell[]): LiraAudit {
  const n = target.populationSize;
  const shadows = shadowsOf(config, target, shadowCells);
  const both = (variant: 'offline' | 'online') => ({
    original: liraNumbers(shadows, target.phiOriginal, target.members, target.nonMembers, variant),
    retrain: liraNumbers(shadows, target.phiRetrain, target.members, target.nonMembers, variant),
  });
  return {
    candidate: config.candidate,
    preset: config.preset,
    seed: config.seed,
    shadows: config.shadows,
    populationSize: n,
    members: target.members.length,
    nonMembers: target.nonMembers.length,
    offline: both('offline'),
    online: both('online'),
    shadowSeconds: shadows.seconds,
    retrainSeconds: target.retrainSeconds,
    backend: target.backend,
    code: config.code,
  };
}

/** One audited example: its population position, whether the original trained on it, and its LiRA scores (higher = "member"). */
export interface LiraExampleScore {
  position: number;
  member: 0 | 1;
  originalOffline: number;
  originalOnline: number;
  retrainOffline: number;
  retrainOnline: number;
}

/**
 * Per-example LiRA scores of the audited examples (the forget set, then the evaluation split), for the
 * original and for Retrain, offline and online: what a researcher needs to pick thresholds or look at
 * the examples an attack is surest about. Members are the original's; Retrain never saw them.
 */
export function liraExampleScores(config: LiraTargetConfig, target: LiraTargetCell, shadowCells: readonly LiraShadowCell[]): LiraExampleScore[] {
  const shadows = shadowsOf(config, target, shadowCells);
  const score = (phi: Float64Array, variant: 'offline' | 'online') => liraScores(shadows, phi, { variant });
  const o = { off: score(target.phiOriginal, 'offline'), on: score(target.phiOriginal, 'online') };
  const r = { off: score(target.phiRetrain, 'offline'), on: score(target.phiRetrain, 'online') };
  const row = (position: number, member: 0 | 1): LiraExampleScore => ({
    position,
    member,
    originalOffline: o.off[position],
    originalOnline: o.on[position],
    retrainOffline: r.off[position],
    retrainOnline: r.on[position],
  });
  return [...Array.from(target.members, (p) => row(p, 1)), ...Array.from(target.nonMembers, (p) => row(p, 0))];
}

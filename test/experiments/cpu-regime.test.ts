import { describe, expect, it } from 'vitest';
import { loadCommittedResults } from '../../lib/experiments/shared/committed';
import { BLEND_PAPER_SETTINGS } from '../../lib/experiments/shared/presets';
import { CPU_MEMORISING, type MemorisationRegimeResult } from '../../lib/experiments/memorisation-regime';
import { SULI_SETTINGS } from '../../lib/experiments/shared/suli-setting';
import { MULTI_ROUND_PRESETS } from '../../lib/experiments/multi-round';
import { presetConfig } from '../../lib/unlearn';
import { SWEPT_METHODS, type BaselineSweepResult } from '../../lib/experiments/baseline-sweep';

/** Issue 15: every cpu runner's original model is the memorising regime the committed sweep chose, and Retrain is trained as it is. */
describe('the cpu original-model regime', () => {
  it('is the candidate the committed cpu memorisation-regime sweep chose, and that candidate meets every criterion', () => {
    const r = loadCommittedResults<MemorisationRegimeResult>('memorisation-regime', 'cpu');
    expect(r.chosen).toBe(CPU_MEMORISING.name);
    const s = r.summaries.find((x) => x.candidate === r.chosen)!;
    expect(s.meets).toBe(true);
    expect(s.trainAcc).toBeGreaterThanOrEqual(0.99);
    expect(s.miaOriginal).toBeGreaterThanOrEqual(56);
    expect(s.miaOriginal - s.miaRetrain).toBeGreaterThanOrEqual(5);
  });

  it('is what the Blend/A-AMU and SULI cpu settings train (so they share cached originals)', () => {
    expect(BLEND_PAPER_SETTINGS.cpu.recipe).toEqual(CPU_MEMORISING.recipe);
    expect(BLEND_PAPER_SETTINGS.cpu.data.trainPerClass).toBe(CPU_MEMORISING.trainPerClass);
    expect(SULI_SETTINGS.cpu['fashion-mnist'].recipe).toEqual(CPU_MEMORISING.recipe);
    // Multi-round keeps a smaller training set (its 42 runs), not a shorter recipe, and reads every round against Retrain.
    expect(MULTI_ROUND_PRESETS.cpu.setting.recipe).toEqual(CPU_MEMORISING.recipe);
    expect(MULTI_ROUND_PRESETS.cpu.methods[0]).toBe('retrain');
    // No weight decay, no augmentation: the papers' originals memorise.
    expect(CPU_MEMORISING.recipe.optimizer).toMatchObject({ weightDecay: 0 });
  });

  it("Retrain (the gold standard) uses the original's own recipe on the retain set", () => {
    const r = CPU_MEMORISING.recipe;
    const c = presetConfig('cpu-full', 'retrain');
    expect(presetConfig('cpu-blend', 'retrain')).toEqual(c);
    expect(c).toMatchObject({ epochs: r.epochs, batchSize: r.batchSize, lr: r.lr, optimizer: r.optimizer.kind, weightDecay: 0, schedule: r.schedule.kind, warmupEpochs: 0 });
    if (r.optimizer.kind === 'sgd') expect(c.momentum).toBe(r.optimizer.momentum);
  });

  it("runs every Table 1 method with the committed baseline sweep's choice for its retain set", () => {
    const r = loadCommittedResults<BaselineSweepResult>('baseline-sweep', 'cpu');
    for (const set of ['full', 'blend'] as const) {
      expect(r.choices.filter((c) => c.retainSet === set).map((c) => c.method).sort()).toEqual([...SWEPT_METHODS].sort());
    }
    for (const c of r.choices) expect(presetConfig(`cpu-${c.retainSet}`, c.method), `${c.retainSet} ${c.method}`).toEqual(c.config);
  });
});

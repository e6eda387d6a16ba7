import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { subsetByIndex } from '../../../lib/data/dataset';
import { expectNoLeak } from '../../../lib/engine/leaks';
import type { Classifier } from '../../../lib/models/classifier';
import { evaluate, predict } from '../../../lib/train/evaluate';
import { getUnlearner, unlearnerNames, type UnlearnInputs } from '../../../lib/unlearn';
import { makeTask, type Task } from './fixture';

const NAMES = ['su', 'suli', 'neggrad', 'random-label', 'initial-label', 'boundary-shrink', 'adv-imp'];

/** Settings that move this tiny MLP (40 images per class) within seconds; the defaults target CIFAR-scale runs. */
const SMALL: Record<string, Record<string, unknown>> = {
  su: { lr: 1e-3 },
  suli: { lr: 1e-3 },
  neggrad: { lr: 0.1, epochs: 20 },
  'random-label': { epochs: 20 },
  'initial-label': { epochs: 20 },
  'boundary-shrink': { lr: 0.01 },
  'adv-imp': { numAdvPerSample: 2, pgdEps: 2, pgdStepSize: 0.3, pgdIterations: 10, epochs: 20, stopCheck: 'epoch' },
};

let task: Task;
const acc = async (m: Classifier, which: 'forget' | 'retain' | 'reference') => (await evaluate(m, task[which])).accuracy;

function inputs(config: Record<string, unknown>, over: Partial<UnlearnInputs> = {}): UnlearnInputs {
  return { original: task.model, retain: task.retain, forget: task.forget, testPool: task.test, reference: task.reference, config, seed: 11, ...over };
}

describe('SU, SULI and the re-labelling baselines (forget set only)', () => {
  beforeAll(async () => {
    task = await makeTask();
    // The fixture model has learnt the task: the forget class is recognised.
    expect(await acc(task.model, 'forget')).toBeGreaterThan(0.9);
  });

  it('registers every method under its name, all forget-set-only', () => {
    for (const n of NAMES) {
      expect(unlearnerNames()).toContain(n);
      expect(getUnlearner(n).uses.retain).toBe(false);
      expect(getUnlearner(n).modes).toEqual(['class', 'instance']);
    }
  });

  it('SULI class-wise takes forget accuracy to 0, keeps retain accuracy well above chance and leaves the original untouched', async () => {
    const before = (await predict(task.model, task.forget)).logits;
    const r = await getUnlearner('suli').run(inputs(SMALL.suli));
    expect(await acc(r.model, 'forget')).toBe(0);
    expect(await acc(r.model, 'retain')).toBeGreaterThan(0.7);
    const last = r.history.at(-1)!;
    expect(last.extra!.forgetAccuracy).toBe(0);
    expect(last.extra!.stoppedEarly).toBe(1);
    // Defaults come from the public code's class-wise preset.
    expect(r.config).toMatchObject({ variant: 'code', mode: 'class', layerSize: 500, rollback: true, epsilon: 0, lr: 1e-3 });
    expect(Object.keys(r.timing.phases)).toEqual(expect.arrayContaining(['sort', 'train', 'stop-check']));
    expect(Array.from((await predict(task.model, task.forget)).logits)).toEqual(Array.from(before));
    r.model.dispose();
  });

  it('SULI with rollback never accepts an update that raises forget accuracy', async () => {
    const r = await getUnlearner('suli').run(inputs({ lr: 3e-3, layerSize: 10 }));
    const accepted = r.history.map((h) => h.extra!.forgetAccuracy);
    for (let i = 1; i < accepted.length; i++) expect(accepted[i]).toBeLessThanOrEqual(accepted[i - 1]);
    expect(r.history[0].extra!.layerSize).toBe(10);
    r.model.dispose();
  });

  it("SULI's paper variant (t = 2 layers, true-label mask, epsilon > 0) also reaches 0", async () => {
    const r = await getUnlearner('suli').run(inputs({ variant: 'paper', lr: 1e-3, epsilon: 0.01 }));
    expect(r.config).toMatchObject({ layerSplit: 'count', numLayers: 2, mask: 'label', rollback: false, epsilon: 0.01 });
    expect(r.history[0].extra!.layerSize).toBe(task.forget.labels.length / 2);
    expect(await acc(r.model, 'forget')).toBe(0);
    r.model.dispose();
  });

  it('SU class-wise takes forget accuracy to 0 with retain accuracy well above chance', async () => {
    const r = await getUnlearner('su').run(inputs(SMALL.su));
    expect(r.config).toMatchObject({ temperature: 4, mask: 'forget-classes' });
    expect(await acc(r.model, 'forget')).toBe(0);
    expect(await acc(r.model, 'retain')).toBeGreaterThan(0.7);
    r.model.dispose();
  });

  it('instance-wise SU and SULI stop once forget accuracy reaches the original reference accuracy', async () => {
    const forget = subsetByIndex(task.retain, Int32Array.from({ length: 30 }, (_, i) => i * 11));
    const target = await acc(task.model, 'reference');
    const budget: Record<string, Record<string, unknown>> = { su: { epochs: 200 }, suli: { passes: 200 } };
    for (const name of ['su', 'suli']) {
      const r = await getUnlearner(name).run(inputs({ mode: 'instance', lr: 2e-3, ...budget[name] }, { forget }));
      const last = r.history.at(-1)!;
      expect(r.config).toMatchObject({ mode: 'instance', mask: 'predicted' });
      expect(last.extra!.target).toBeCloseTo(target, 10);
      expect(last.extra!.stoppedEarly).toBe(1);
      expect((await evaluate(r.model, forget)).accuracy).toBeLessThanOrEqual(target);
      // One step earlier it was still above the target: the rule stopped at the first crossing.
      if (r.history.length > 1) expect(r.history.at(-2)!.extra!.forgetAccuracy).toBeGreaterThan(target);
      r.model.dispose();
    }
  });

  it('every baseline moves forget accuracy down without leaking tensors (flat across epochs too)', async () => {
    const original = await acc(task.model, 'forget');
    for (const name of ['neggrad', 'random-label', 'initial-label', 'boundary-shrink', 'adv-imp']) {
      const counts: number[] = [];
      const forgetAcc = await expectNoLeak(name, async () => {
        const r = await getUnlearner(name).run(inputs(SMALL[name], { onProgress: () => counts.push(tf.memory().numTensors) }));
        const a = await acc(r.model, 'forget');
        r.model.dispose();
        return a;
      });
      expect(forgetAcc, name).toBeLessThan(original - 0.25);
      expect(counts.length, name).toBeGreaterThan(1);
      expect(new Set(counts).size, `${name} tensor count per epoch ${counts}`).toBe(1);
    }
  });

  it("Initial Label's 'second-best' reading relabels with the original model's runner-up class and forgets", async () => {
    const r = await getUnlearner('initial-label').run(inputs({ ...SMALL['initial-label'], labels: 'second-best' }));
    // The runner-up is never the original prediction, so relabelling cannot agree with a confidently right label.
    expect(r.history.at(-1)!.extra!.initialLabelAgreement).toBeLessThan(0.2);
    expect(await acc(r.model, 'forget')).toBeLessThan((await acc(task.model, 'forget')) - 0.25);
    r.model.dispose();
    await expect(getUnlearner('initial-label').run(inputs({ labels: 'third-best' }))).rejects.toThrow(/config.labels must be/);
  });

  it('SU and SULI do not leak tensors either', async () => {
    for (const name of ['su', 'suli']) {
      await expectNoLeak(name, async () => {
        const r = await getUnlearner(name).run(inputs(SMALL[name]));
        r.model.dispose();
      });
    }
  });

  it('gives the same model for the same seed and a different one for another seed', async () => {
    for (const name of ['random-label', 'adv-imp']) {
      const run = async (seed: number) => {
        const r = await getUnlearner(name).run(inputs({ ...SMALL[name], epochs: 2, stop: 'none' }, { seed }));
        const logits = Array.from((await predict(r.model, task.forget)).logits);
        r.model.dispose();
        return logits;
      };
      const a = await run(5);
      expect(await run(5), name).toEqual(a);
      expect(await run(6), name).not.toEqual(a);
    }
  });

  it('rejects bad inputs and configs with errors that name the problem', async () => {
    const empty = subsetByIndex(task.forget, []);
    for (const name of NAMES) {
      const u = getUnlearner(name);
      await expect(u.run(inputs({}, { forget: empty })), name).rejects.toThrow(/forget set is empty/);
      await expect(u.run(inputs({ mode: 'instance', stop: 'target' }, { reference: undefined })), name).rejects.toThrow(
        /inputs\.reference is missing/,
      );
      await expect(u.run(inputs({ lr: -1 })), name).rejects.toThrow(new RegExp(`^${name}: config\\.lr must be a finite number > 0, got -1\\.$`));
      await expect(u.run(inputs({ nonsense: 1 })), name).rejects.toThrow(new RegExp(`^${name}: unknown config key 'nonsense'\\. Known keys: .*lr`));
    }
    for (const name of NAMES.filter((n) => n !== 'suli')) {
      await expect(getUnlearner(name).run(inputs({ epochs: -1 })), name).rejects.toThrow(new RegExp(`^${name}: config\\.epochs must be an integer >= 0, got -1\\.$`));
    }
    await expect(getUnlearner('suli').run(inputs({ passes: -2 }))).rejects.toThrow(/^suli: config\.passes must be an integer >= 0, got -2\.$/);
    await expect(getUnlearner('suli').run(inputs({ epsilon: 1 }))).rejects.toThrow(/^suli: config\.epsilon must be a number in \[0, 1\), got 1\.$/);
    await expect(getUnlearner('su').run(inputs({ mode: 'sideways' }))).rejects.toThrow(/^su: config\.mode must be one of 'class', 'instance', got "sideways"\.$/);
  });
});

/**
 * The short sweep behind the unlearning preset `cpu-suli` in lib/unlearn/presets.ts. Not part of the
 * test suite: the name does not end in .test.ts. Run it with a vitest config that includes this file, e.g.
 *   UNLEARN_WASM_THREADS=1 SULI_SWEEP=cpu npx vitest run --config /tmp/suli-sweep.config.mjs
 * where the config sets root to the repository and include: ['test/unlearn/suli-paper/sweep.ts'].
 * SULI_SWEEP=smoke uses the tiny test fixture; 'cpu' a width-32 ConvNet on 300 images per class.
 * SULI_SWEEP_METHODS=su,suli limits the methods.
 */
import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';
import { subsetByIndex, type Dataset } from '../../../lib/data/dataset';
import type { Classifier } from '../../../lib/models/classifier';
import { evaluate } from '../../../lib/train/evaluate';
import { getUnlearner } from '../../../lib/unlearn/registry';
import { makeTask } from './fixture';

const GRID: Record<string, Array<Record<string, unknown>>> = {
  su: [{}, { lr: 1e-3 }, { lr: 3e-3 }],
  suli: [{}, { lr: 1e-3 }, { lr: 1e-3, layerSize: 50 }, { variant: 'paper', lr: 1e-3 }],
  neggrad: [{ epochs: 20 }, { epochs: 20, lr: 1e-2 }, { epochs: 20, lr: 1e-1 }],
  'random-label': [{ epochs: 20 }, { epochs: 20, lr: 1e-2 }],
  'initial-label': [{ epochs: 20 }, { epochs: 20, lr: 1e-2 }],
  'boundary-shrink': [{}, { lr: 1e-3 }, { lr: 1e-2 }],
  'adv-imp': [
    { numAdvPerSample: 2, pgdEps: 2, pgdStepSize: 0.3, pgdIterations: 10, epochs: 20, stopCheck: 'epoch' },
    { numAdvPerSample: 2, pgdEps: 2, pgdStepSize: 0.3, pgdIterations: 10, epochs: 20, stopCheck: 'epoch', lr: 1e-2 },
  ],
};

it('sweep', async () => {
  const scale = process.env.SULI_SWEEP ?? 'smoke';
  const task =
    scale === 'cpu'
      ? await makeTask({ perClass: 200, arch: 'convnet', options: { width: 32 }, epochs: 6, testSize: 2000 })
      : await makeTask();
  const pick = (keep: (y: number) => boolean): Dataset =>
    subsetByIndex(task.test, Array.from(task.test.labels.keys()).filter((i) => keep(task.test.labels[i])));
  const testR = pick((y) => y !== task.forgetClass);
  const testF = pick((y) => y === task.forgetClass);
  const row = async (m: Classifier): Promise<string> => {
    const cells: string[] = [];
    for (const [i, d] of [task.forget, task.retain, testR, testF].entries()) cells.push(`${['Df', 'Dr', 'Dtr', 'Dtf'][i]} ${(await evaluate(m, d)).accuracy.toFixed(3)}`);
    return cells.join(' ');
  };
  console.log(`original: ${await row(task.model)}`);
  const only = process.env.SULI_SWEEP_METHODS?.split(',');
  for (const [name, grid] of Object.entries(GRID)) {
    if (only != null && !only.includes(name)) continue;
    for (const config of grid) {
      const u = getUnlearner(name);
      const r = await u.run({ original: task.model, retain: task.retain, forget: task.forget, testPool: task.test, reference: task.reference, config, seed: 1 });
      console.log(
        `${name} ${JSON.stringify(config)}: ${await row(r.model)} ` +
          `updates ${r.history.length} seconds ${r.timing.seconds.toFixed(1)} tensors ${tf.memory().numTensors}`,
      );
      r.model.dispose();
    }
  }
}, 600_000);

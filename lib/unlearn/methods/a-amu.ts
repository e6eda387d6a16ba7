import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../../data/batches';
import { size, type Dataset } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import { miaRegulariser } from '../../metrics/mia-regulariser';
import { perSampleCrossEntropy } from '../../train/losses';
import type { RetainLossHook, StepContext, UnlearnInputs } from '../contract';
import { boolean, nonNegativeNumber, positiveInt, positiveNumber, type Checks } from '../framework/config';
import { defineUnlearner, type DefinedUnlearner } from '../framework/define';
import type { TrainConfig } from '../framework/retain-training';
import { ClassIndex, SubsetSampler } from '../shared/samplers';
import { cf } from './cf';
import { l1Sparse } from './l1-sparse';
import { scrub } from './scrub';

/** The A-AMU settings added to a base method's own (docs/reference/blend-a-amu.md#a6). */
export interface AmuConfig {
  /** Weight of the MIA regulariser (reference `weight_distribution` 34). */
  lambda: number;
  /** Sigmoid slope of the smoothed CDF (reference key `k` = 2). */
  k: number;
  /** Gaussian-kernel bandwidth (1). */
  sigma: number;
  /** Clip of the probit (reference key `K` = 60; never binds). */
  kappa: number;
  /** Forget samples per step = min(forgetFactor * retain batch size, |forget set|) (reference 4: 256 for batch 64). */
  forgetFactor: number;
  /** Test-pool samples per step, drawn from the classes of the step's forget samples (256). */
  testSamples: number;
  /** The reference code's ReLU inside the CDF sigmoid (see lib/metrics/mia-regulariser.ts). */
  referenceRelu: boolean;
}

export const AMU_DEFAULTS: AmuConfig = {
  lambda: 34,
  k: 2,
  sigma: 1,
  kappa: 60,
  forgetFactor: 4,
  testSamples: 256,
  referenceRelu: true,
};

export const AMU_CHECKS: Checks<AmuConfig> = {
  lambda: nonNegativeNumber,
  k: positiveNumber,
  sigma: positiveNumber,
  kappa: positiveNumber,
  forgetFactor: positiveInt,
  testSamples: positiveInt,
  referenceRelu: boolean,
};

interface AmuBatch {
  xF: tf.Tensor4D;
  yF: tf.Tensor1D;
  testLosses: tf.Tensor1D;
}

/**
 * The sample of one A-AMU step: `nForget` random forget positions (without replacement) and up to
 * `nTest` test-pool positions restricted to the classes of that forget draw, both from `rng`. The
 * A-AMU anatomy analysis draws its samples with this same function. Throws (naming `who`) when the
 * test pool has no sample of the drawn classes.
 */
export function drawAmuSample(
  who: string,
  forget: Dataset,
  forgetSampler: SubsetSampler,
  testIndex: ClassIndex,
  nForget: number,
  nTest: number,
  rng: Rng,
): { forget: Int32Array; test: Int32Array } {
  const fIdx = forgetSampler.draw(nForget, rng);
  const classes = new Set(Array.from(fIdx, (i) => forget.labels[i]));
  const testSampler = testIndex.samplerFor(classes);
  if (testSampler.size === 0) {
    throw new Error(
      `${who}: the test pool has no samples of the forget classes {${[...classes].join(', ')}}. ` +
        'Pass a class-matched test pool (inputs.testPool) that covers the forgotten classes.',
    );
  }
  return { forget: fIdx, test: testSampler.draw(Math.min(nTest, testSampler.size), rng) };
}

/** lambda * the MIA regulariser between the forget and test losses: the term A-AMU adds to each retain step. */
export function amuPenalty(forgetLosses: tf.Tensor1D, testLosses: tf.Tensor1D, c: AmuConfig): tf.Scalar {
  const mmd = miaRegulariser(forgetLosses, testLosses, { k: c.k, sigma: c.sigma, kappa: c.kappa, referenceRelu: c.referenceRelu });
  return tf.mul(mmd, c.lambda) as tf.Scalar;
}

/**
 * The A-AMU loss change for one run: the retain CE is squared (steepened main loss) and every retain
 * step adds lambda * MMD^2 between the Gaussianised losses of a fresh random forget sample and of a
 * test-pool sample restricted to the forget sample's classes. The test losses are computed before the
 * gradient tape (detached, and no backward pass through the test forward).
 */
function amuHook(name: string, inputs: UnlearnInputs, c: AmuConfig, index: ClassIndex): RetainLossHook {
  const rng = new Rng(inputs.seed).fork(`${name}/amu-samples`);
  const forgetSampler = new SubsetSampler(Int32Array.from({ length: size(inputs.forget) }, (_, i) => i));
  return {
    name,
    main: (ce) => tf.square(ce),
    prepare: (ctx: StepContext): AmuBatch => {
      const nF = Math.min(c.forgetFactor * ctx.positions.length, forgetSampler.size);
      const draw = drawAmuSample(name, inputs.forget, forgetSampler, index, nF, c.testSamples, rng);
      const { x: xF, y: yF } = batchTensors(inputs.forget, draw.forget);
      const { x: xT, y: yT } = batchTensors(inputs.testPool, draw.test);
      const testLosses = perSampleCrossEntropy(ctx.model.forward(xT, true), yT);
      return { xF, yF, testLosses };
    },
    extra: (ctx, prepared) => {
      const p = prepared as AmuBatch;
      return amuPenalty(perSampleCrossEntropy(ctx.model.forward(p.xF, true), p.yF), p.testLosses, c);
    },
  };
}

/** The base method of each A-AMU method ('a-l1' -> 'l1-sparse'), filled by accelerated(). */
const BASE_OF = new Map<string, string>();

/** The method an A-AMU method accelerates ('a-cf' -> 'cf', 'a-l1' -> 'l1-sparse'), or null for any other name. */
export function acceleratedBaseOf(name: string): string | null {
  return BASE_OF.get(name) ?? null;
}

/**
 * A-AMU as a wrapper: the returned method runs `base` unchanged except for its retain-step loss
 * (squared main CE + lambda * MIA regulariser) and its default settings (`baseDefaults`, e.g. Adam
 * 2.4e-4 for one epoch). Its config is the base's keys plus AmuConfig; errors name the wrapper.
 */
export function accelerated<C extends TrainConfig>(
  base: DefinedUnlearner<C>,
  spec: { name: string; description: string; baseDefaults: Partial<C>; amuDefaults?: Partial<AmuConfig> },
): DefinedUnlearner<C & AmuConfig> {
  if (!base.spec.hookable) throw new Error(`${spec.name}: A-AMU needs a method whose retain loss can be changed; ${base.name} is not hookable.`);
  const b = base.spec;
  BASE_OF.set(spec.name, base.name);
  return defineUnlearner<C & AmuConfig>({
    name: spec.name,
    description: spec.description,
    uses: { ...b.uses, testPool: true },
    modes: b.modes,
    defaults: { ...b.defaults, ...spec.baseDefaults, ...AMU_DEFAULTS, ...spec.amuDefaults },
    checks: { ...b.checks, ...AMU_CHECKS } as Checks<C & AmuConfig>,
    validate: b.validate,
    // Already one epoch of Adam; only A-AMU's per-step samples are cut.
    smokeConfig: { forgetFactor: 1, testSamples: 32 } as Partial<C & AmuConfig>,
    async train(run) {
      const index = run.timer.time('testPoolIndex', () => new ClassIndex(run.inputs.testPool));
      // The base trains with its own name (its batch-order stream) and this wrapper's hook.
      return b.train({ ...run, hook: amuHook(spec.name, run.inputs, run.config, index) });
    },
  });
}

/** Shared A-AMU optimiser settings: Adam, no weight decay, constant lr, 1 epoch over the retain set, batch 64. */
const AMU_OPTIMISER = { optimizer: 'adam', weightDecay: 0, momentum: 0, schedule: 'constant', warmupEpochs: 0, epochs: 1, batchSize: 64 } as const;

/** A-CF = "A-AMU" of the paper (reference accelerated_cf.py): Adam 2.4e-4 (CIFAR-10, SVHN). */
export const aCf = accelerated(cf, {
  name: 'a-cf',
  description: 'A-AMU on CF: (mean retain CE)^2 + 34 * MMD^2 of Gaussianised forget vs class-matched test losses, Adam 2.4e-4, 1 epoch (docs/reference/blend-a-amu.md#a6).',
  baseDefaults: { ...AMU_OPTIMISER, lr: 2.4e-4 },
});

/** A-L1 (reference accelerated_sparisification.py): constant alpha 1e-4, Adam 1e-4. */
export const aL1 = accelerated(l1Sparse, {
  name: 'a-l1',
  description: 'A-AMU on L1-sparse: (mean retain CE)^2 + 34 * MMD^2 + 1e-4 * ||theta||_1 (constant), Adam 1e-4, 1 epoch (docs/reference/blend-a-amu.md#a6).',
  baseDefaults: { ...AMU_OPTIMISER, lr: 1e-4, l1Alpha: 1e-4, l1Schedule: 'constant', noL1Epochs: 0 },
});

/** A-SCRUB (reference accelerated_scrub.py): a max pass then a min pass per epoch, Adam 1e-4 shared by both. */
export const aScrub = accelerated(scrub, {
  name: 'a-scrub',
  description: 'A-AMU on SCRUB: max pass -0.2 KL_T on the forget set, then 0.99 (CE)^2 + 0.001 KL_T + 34 MMD^2 on the retain set, Adam 1e-4, 1 epoch (docs/reference/blend-a-amu.md#a6).',
  baseDefaults: { ...AMU_OPTIMISER, lr: 1e-4, msteps: 0, forgetBatchSize: 64, maxWeight: 0.2, gamma: 0.99, beta: 0.001, temperature: 2 },
});

import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../../data/batches';
import { size } from '../../data/dataset';
import { Rng } from '../../engine/rng';
import { miaRegulariser } from '../../metrics/mia-regulariser';
import { perSampleCrossEntropy } from '../../train/losses';
import type { UnlearnInputs, UnlearnResult, Unlearner } from '../contract';
import { boolean, nonNegativeNumber, positiveInt, positiveNumber, resolveConfig, type Checks } from '../common/config';
import { checkInputs } from '../common/inputs';
import type { HookableUnlearner, RetainLossHook } from '../common/retain-loss';
import { ClassIndex, SubsetSampler } from '../common/samplers';
import type { StepContext, TrainConfig } from '../common/training';
import { cf } from './cf';
import { l1Sparse } from './l1-sparse';
import { scrub } from './scrub';

/** The A-AMU settings added to a base method's own (spec A6). */
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

const AMU_CHECKS: Checks<AmuConfig> = {
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
 * The A-AMU loss change for one run: the retain CE is squared (steepened main loss) and every retain
 * step adds lambda * MMD^2 between the Gaussianised losses of a fresh random forget sample and of a
 * test-pool sample restricted to the forget sample's classes. The test losses are computed before the
 * gradient tape (detached, and no backward pass through the test forward).
 */
function amuHook(name: string, inputs: UnlearnInputs<unknown>, c: AmuConfig, index: ClassIndex): RetainLossHook {
  const rng = new Rng(inputs.seed).fork(`${name}/amu-samples`);
  const forgetSampler = new SubsetSampler(Int32Array.from({ length: size(inputs.forget) }, (_, i) => i));
  return {
    name,
    main: (ce) => tf.square(ce),
    prepare: (ctx: StepContext): AmuBatch => {
      const nF = Math.min(c.forgetFactor * ctx.positions.length, forgetSampler.size);
      const fIdx = forgetSampler.draw(nF, rng);
      const classes = new Set(Array.from(fIdx, (i) => inputs.forget.labels[i]));
      const testSampler = index.samplerFor(classes);
      if (testSampler.size === 0) {
        throw new Error(
          `${name}: the test pool has no samples of the forget classes {${[...classes].join(', ')}}. ` +
            'Pass a class-matched test pool (inputs.testPool) that covers the forgotten classes.',
        );
      }
      const tIdx = testSampler.draw(Math.min(c.testSamples, testSampler.size), rng);
      const { x: xF, y: yF } = batchTensors(inputs.forget, fIdx);
      const { x: xT, y: yT } = batchTensors(inputs.testPool, tIdx);
      const testLosses = perSampleCrossEntropy(ctx.model.forward(xT, true), yT);
      return { xF, yF, testLosses };
    },
    extra: (ctx, prepared) => {
      const p = prepared as AmuBatch;
      const forgetLosses = perSampleCrossEntropy(ctx.model.forward(p.xF, true), p.yF);
      const mmd = miaRegulariser(forgetLosses, p.testLosses, { k: c.k, sigma: c.sigma, kappa: c.kappa, referenceRelu: c.referenceRelu });
      return tf.mul(mmd, c.lambda) as tf.Scalar;
    },
  };
}

/**
 * A-AMU as a wrapper: the returned method runs `base` unchanged except for its retain-step loss
 * (squared main CE + lambda * MIA regulariser) and its default settings (`baseDefaults`, e.g. Adam
 * 2.4e-4 for one epoch). Its config is the base's keys plus AmuConfig.
 */
export function accelerated<C extends TrainConfig>(
  base: HookableUnlearner<C>,
  spec: { name: string; description: string; baseDefaults: Partial<C>; amuDefaults?: Partial<AmuConfig> },
): Unlearner<C & AmuConfig> & { checks: Checks<C & AmuConfig> } {
  const defaults = { ...base.defaults, ...spec.baseDefaults, ...AMU_DEFAULTS, ...spec.amuDefaults } as C & AmuConfig;
  const checks = { ...base.checks, ...AMU_CHECKS } as Checks<C & AmuConfig>;
  const amuKeys = Object.keys(AMU_DEFAULTS);
  return {
    name: spec.name,
    description: spec.description,
    usesRetain: true,
    defaults,
    checks,
    async run(inputs): Promise<UnlearnResult> {
      checkInputs(spec.name, inputs, { retain: true, testPool: true });
      // One check of base and A-AMU keys together, so that errors name this method (not its base) and an
      // unknown key's message lists every key this method takes.
      const all = Object.entries(resolveConfig(spec.name, defaults, inputs.config, checks));
      const amu = Object.fromEntries(all.filter(([k]) => amuKeys.includes(k))) as unknown as AmuConfig;
      const baseConfig = Object.fromEntries(all.filter(([k]) => !amuKeys.includes(k))) as unknown as C;
      const t0 = performance.now();
      const index = new ClassIndex(inputs.testPool);
      const indexSeconds = (performance.now() - t0) / 1000;
      const hook = amuHook(spec.name, inputs, amu, index);
      const result = await base.runWithHook({ ...inputs, config: baseConfig }, hook);
      result.timing.phases = { testPoolIndex: indexSeconds, ...result.timing.phases };
      result.timing.seconds += indexSeconds;
      result.config = { ...result.config, ...amu };
      return result;
    },
  };
}

/** Shared A-AMU optimiser settings: Adam, no weight decay, constant lr, 1 epoch over the retain set, batch 64. */
const AMU_OPTIMISER = { optimizer: 'adam', weightDecay: 0, momentum: 0, schedule: 'constant', warmupEpochs: 0, epochs: 1, batchSize: 64 } as const;

/** A-CF = "A-AMU" of the paper (reference accelerated_cf.py): Adam 2.4e-4 (CIFAR-10, SVHN). */
export const aCf = accelerated(cf, {
  name: 'a-cf',
  description: 'A-AMU on CF: (mean retain CE)^2 + 34 * MMD^2 of Gaussianised forget vs class-matched test losses, Adam 2.4e-4, 1 epoch (spec A6).',
  baseDefaults: { ...AMU_OPTIMISER, lr: 2.4e-4 },
});

/** A-L1 (reference accelerated_sparisification.py): constant alpha 1e-4, Adam 1e-4. */
export const aL1 = accelerated(l1Sparse, {
  name: 'a-l1',
  description: 'A-AMU on L1-sparse: (mean retain CE)^2 + 34 * MMD^2 + 1e-4 * ||theta||_1 (constant), Adam 1e-4, 1 epoch (spec A6).',
  baseDefaults: { ...AMU_OPTIMISER, lr: 1e-4, l1Alpha: 1e-4, l1Schedule: 'constant', noL1Epochs: 0 },
});

/** A-SCRUB (reference accelerated_scrub.py): a max pass then a min pass per epoch, Adam 1e-4 shared by both. */
export const aScrub = accelerated(scrub, {
  name: 'a-scrub',
  description: 'A-AMU on SCRUB: max pass -0.2 KL_T on the forget set, then 0.99 (CE)^2 + 0.001 KL_T + 34 MMD^2 on the retain set, Adam 1e-4, 1 epoch (spec A6).',
  baseDefaults: { ...AMU_OPTIMISER, lr: 1e-4, msteps: 0, forgetBatchSize: 64, maxWeight: 0.2, gamma: 0.99, beta: 0.001, temperature: 2 },
});

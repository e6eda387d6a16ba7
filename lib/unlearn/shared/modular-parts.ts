import { batchTensors, epochBatches } from '../../data/batches';
import { size, type Dataset } from '../../data/dataset';
import type { Rng } from '../../engine/rng';
import type { Classifier } from '../../models/classifier';
import { createModel } from '../../models/registry';
import { hasReferenceCuts, headSplitCuts, splitThreeParts, type ModelPart, type ThreePartModel } from '../../models/three-part';
import { crossEntropy } from '../../train/losses';
import type { LoopPass } from '../../train/loop';

/** Where the modular method cuts a model: '' = the 2024 reference's cut (or, for other models, the head split). */
export interface ModularCuts {
  intermediateFrom: string;
  finalFrom: string;
  /** The reference MLP's quirk: ReLU on the logits inside the modular model (training only). */
  reluOnLogits: boolean;
}

/**
 * The Beginning / Intermediate / Final split the modular method trains: the reference's cut points for
 * mlp, cnn4, resnet18 and vgg16 (docs/reference/modular-2024.md#b2), the given stages, or for other
 * models Final = the classifier head and Intermediate = the second half of the features.
 */
export function modularSplit(model: Classifier, c: ModularCuts): ThreePartModel {
  let { intermediateFrom, finalFrom } = c;
  if ((intermediateFrom === '' || finalFrom === '') && !hasReferenceCuts(model.spec.arch)) {
    const [i, f] = headSplitCuts(model);
    intermediateFrom ||= i;
    finalFrom ||= f;
  }
  return splitThreeParts(model, {
    ...(intermediateFrom !== '' ? { intermediateFrom } : {}),
    ...(finalFrom !== '' ? { finalFrom } : {}),
    reluOnLogits: c.reluOnLogits,
  });
}

/**
 * One shuffled pass over `data` that trains one part (the others frozen) with the cross-entropy of the
 * whole modular model in training mode, as the reference does (frozen parts still update their
 * batch-norm statistics and draw dropout masks).
 */
export function partPass(name: string, split: ThreePartModel, part: ModelPart, data: Dataset, batchSize: number, rng: Rng): LoopPass {
  return {
    name,
    params: part.parameters(),
    steps: epochBatches(size(data), batchSize, rng).map((positions) => ({
      weight: positions.length,
      build: () => {
        const { x, y } = batchTensors(data, positions);
        return () => crossEntropy(split.forward(x, true), y);
      },
    })),
  };
}

/** `steps` full-batch steps on `data` for one part: the reference's online Final update on the remembrance set. */
export function fullBatchPass(name: string, split: ThreePartModel, part: ModelPart, data: Dataset, steps: number): LoopPass {
  const all = Int32Array.from({ length: size(data) }, (_, i) => i);
  return {
    name,
    params: part.parameters(),
    steps: Array.from({ length: steps }, () => ({
      weight: 1,
      build: () => {
        const { x, y } = batchTensors(data, all);
        return () => crossEntropy(split.forward(x, true), y);
      },
    })),
  };
}

/**
 * Gives one part fresh weights: those of a new model of the same architecture seeded by `seed` (the
 * autoencoder study's Final, a new classifier in every offline round and for recondensation training;
 * docs/reference/modular-2024.md#b10). The other parts keep theirs.
 */
export function reinitialisePart(split: ThreePartModel, part: ModelPart, seed: string): void {
  const fresh = createModel(split.model.spec.arch, { ...split.model.spec, seed });
  try {
    const byName = new Map([...fresh.namedParameters(), ...fresh.namedBuffers()]);
    for (const [name, v] of [...part.namedParameters(), ...part.namedBuffers()]) {
      const init = byName.get(name);
      if (init == null) throw new Error(`reinitialisePart: the fresh ${split.model.spec.arch} has no tensor '${name}'.`);
      v.assign(init);
    }
  } finally {
    fresh.dispose();
  }
}

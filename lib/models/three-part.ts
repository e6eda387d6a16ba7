import * as tf from '@tensorflow/tfjs';
import type { Classifier } from './classifier';
import { Conv2d, Linear } from './nn/layers';
import { Module } from './nn/module';
import { ModelOptions } from './zoo/options';

/**
 * The Beginning / Intermediate / Final split of the 2024 paper's modular unlearning
 * (docs/reference/modular-2024.md#b2). The parts hold the model's own layers: no copies, so training a
 * part trains the model, and the composed parts compute exactly the model's forward().
 */

export const PART_NAMES = ['beginning', 'intermediate', 'final'] as const;
export type PartName = (typeof PART_NAMES)[number];

type Stages = Array<[string, Module]>;

export interface ThreePartOptions {
  /** The model stage where Intermediate starts (a path such as 'features.layer3'); default: the reference's cut. */
  intermediateFrom?: string;
  /** The model stage where Final starts; default: the reference's cut. */
  finalFrom?: string;
  /**
   * ReLU on Final's output, i.e. on the logits: a quirk of the reference's modular MLP (B2), not of its
   * pretrained model. Default false, so the parts compose to the model itself.
   */
  reluOnLogits?: boolean;
}

/** The name of the stage holding the k-th (1-based) module of a kind, or undefined. */
function nthOf(stages: Stages, kind: typeof Conv2d | typeof Linear, k: number): string | undefined {
  return stages.filter(([, m]) => m instanceof kind)[k - 1]?.[0];
}

/**
 * The reference's cut points (where Intermediate and Final start) for the five models of the 2024 paper.
 * Found by layer kind rather than index, so reduced widths and vgg16's batch-norm variant cut alike.
 */
const REFERENCE_CUTS: Record<string, (stages: Stages) => [string | undefined, string | undefined]> = {
  // fc1 (+ReLU) | fc2 (+ReLU) | fc3.
  mlp: (s) => {
    const linears = s.filter(([, m]) => m instanceof Linear).length;
    if (linears !== 3) {
      throw new Error(`the reference splits the MLP as fc1 | fc2 | fc3, which needs exactly 3 linear layers (option hidden of length 2); this one has ${linears}.`);
    }
    return [nthOf(s, Linear, 2), nthOf(s, Linear, 3)];
  },
  // Blocks 1-2 | blocks 3-4 + flatten | fc1-dropout-fc2.
  cnn4: (s) => [nthOf(s, Conv2d, 3), nthOf(s, Linear, 1)],
  // Stem + layer1 + layer2 | layer3 | layer4 + avgpool + fc.
  resnet18: () => ['features.layer3', 'features.layer4'],
  // torchvision features[0:10] | features[10:20] | features[20:] + classifier: Intermediate starts at the
  // 5th conv, Final right after the 9th (between it and its ReLU).
  vgg16: (s) => {
    const ninth = s.findIndex(([n]) => n === nthOf(s, Conv2d, 9));
    return [nthOf(s, Conv2d, 5), s[ninth + 1]?.[0]];
  },
  // Patch embed + cls + pos + blocks[0:2] | blocks[2:] + norm | head on the cls token.
  'vit-tiny': (s) => {
    const blocks = s.filter(([n]) => /^features\.blocks\.\d+$/.test(n)).length;
    if (blocks < 3) {
      throw new Error(`the reference splits the ViT as blocks[0:2] | blocks[2:] + norm | head, which needs at least 3 blocks (option depth >= 3); this one has ${blocks}.`);
    }
    return ['features.blocks.2', 'features.pool'];
  },
};

/** True when the 2024 paper gives cut points for this architecture (mlp, cnn4, resnet18, vgg16, vit-tiny). */
export function hasReferenceCuts(arch: string): boolean {
  return Object.prototype.hasOwnProperty.call(REFERENCE_CUTS, arch);
}

/**
 * A split for a model the paper does not split: Final = the classifier head, Intermediate = the second
 * half of the feature stages (at least one stage each). Returns [intermediateFrom, finalFrom].
 */
export function headSplitCuts(model: Classifier): [string, string] {
  const stages = model.stages().map(([path]) => path);
  const head = stages.findIndex((p) => p.startsWith('classifier'));
  if (head < 2) throw new Error(`${model.spec.arch}: needs at least two feature stages before its classifier to split into three parts; pass intermediateFrom and finalFrom.`);
  return [stages[Math.ceil(head / 2)], stages[head]];
}

/**
 * A contiguous run of a model's stages. Its children are the model's own modules, registered under their
 * paths in the model, so namedParameters() gives the model's names and variables.
 */
export class ModelPart extends Module {
  /**
   * Whether the split's trainableParameters() include this part. Freezing only withholds gradients (as
   * PyTorch's requires_grad = False): a training-mode forward still updates batch-norm running statistics
   * and draws dropout masks in a frozen part.
   */
  trainable = true;
  readonly stageNames: string[];

  constructor(
    readonly name: PartName,
    private readonly chain: Stages,
    private readonly checkInput: ((x: tf.Tensor) => void) | null,
    private readonly reluOnOutput: boolean,
  ) {
    super();
    for (const [path, m] of chain) this.child(path, m);
    this.stageNames = chain.map(([path]) => path);
  }

  forward(x: tf.Tensor, training: boolean): tf.Tensor {
    this.checkInput?.(x);
    let y = x;
    for (const [, m] of this.chain) y = m.forward(y, training);
    return this.reluOnOutput ? tf.relu(y) : y;
  }

  /** The variables belong to the model: disposing a part would break the model and the other parts. */
  override dispose(): void {
    throw new Error(`The ${this.name} part shares its variables with the model; dispose the model instead.`);
  }
}

/** A model seen as Beginning -> Intermediate -> Final; see splitThreeParts. */
export class ThreePartModel {
  readonly beginning: ModelPart;
  readonly intermediate: ModelPart;
  readonly final: ModelPart;

  constructor(
    readonly model: Classifier,
    stages: Stages,
    cuts: [number, number],
    readonly reluOnLogits: boolean,
  ) {
    const [a, b] = cuts;
    this.beginning = new ModelPart('beginning', stages.slice(0, a), (x) => model.checkInput(x), false);
    this.intermediate = new ModelPart('intermediate', stages.slice(a, b), null, false);
    this.final = new ModelPart('final', stages.slice(b), null, reluOnLogits);
  }

  get parts(): [ModelPart, ModelPart, ModelPart] {
    return [this.beginning, this.intermediate, this.final];
  }

  /** A part by name, for names that come from configs. */
  part(name: string): ModelPart {
    const found = this.parts.find((p) => p.name === name);
    if (found == null) throw new Error(`Unknown model part '${name}'. Choose one of: ${PART_NAMES.join(', ')}.`);
    return found;
  }

  /** final(intermediate(beginning(x))): the model's logits (ReLU'd with reluOnLogits). */
  forward(x: tf.Tensor, training: boolean): tf.Tensor2D {
    let y = x;
    for (const p of this.parts) y = p.forward(y, training);
    return y as tf.Tensor2D;
  }

  /** The parameters of the parts not frozen: what an optimiser step should update (lib/train descend / trainLoop). */
  trainableParameters(): tf.Variable[] {
    const params = this.parts.filter((p) => p.trainable).flatMap((p) => p.parameters());
    if (params.length === 0) {
      const state = this.parts.map((p) => `${p.name} ${p.trainable ? 'trainable but without parameters' : 'frozen'}`).join(', ');
      throw new Error(`${this.model.name}: nothing to train (${state}); set trainable = true on a part with parameters.`);
    }
    return params;
  }
}

/**
 * Splits a registry-built model into Beginning / Intermediate / Final at the 2024 paper's cut points (mlp,
 * cnn4, resnet18, vgg16, vit-tiny; docs/reference/modular-2024.md#b2), or at the stages named by intermediateFrom /
 * finalFrom (any model). Freeze a part with `split.final.trainable = false` and train on
 * `split.trainableParameters()`.
 */
export function splitThreeParts(model: Classifier, options: ThreePartOptions = {}): ThreePartModel {
  const arch = model.spec.arch;
  const o = new ModelOptions(`splitThreeParts('${arch}')`, options as Record<string, unknown>);
  const reluOnLogits = o.bool('reluOnLogits', false);
  const stages = model.stages();
  // A part may not be empty, so Intermediate and Final start after the first stage.
  const cutPoints = stages.slice(1).map(([path]) => path);
  let reference: [string | undefined, string | undefined] = [undefined, undefined];
  if (options.intermediateFrom == null || options.finalFrom == null) {
    const cuts = Object.prototype.hasOwnProperty.call(REFERENCE_CUTS, arch) ? REFERENCE_CUTS[arch] : undefined;
    const how = `Pass intermediateFrom and finalFrom, two of its stages in order: ${cutPoints.join(', ')}.`;
    if (cuts == null) {
      throw new Error(`splitThreeParts: the 2024 paper gives no cut points for model '${arch}' (it splits ${Object.keys(REFERENCE_CUTS).join(', ')}). ${how}`);
    }
    try {
      reference = cuts(stages);
    } catch (err) {
      throw new Error(`splitThreeParts('${arch}'): ${(err as Error).message} ${how}`);
    }
    if (reference.some((c) => c == null || !cutPoints.includes(c))) {
      throw new Error(`splitThreeParts('${arch}'): this model lacks the reference's cut points. ${how}`);
    }
  }
  const from = [o.choice('intermediateFrom', reference[0] ?? '', cutPoints), o.choice('finalFrom', reference[1] ?? '', cutPoints)];
  o.done();
  const [a, b] = from.map((c) => cutPoints.indexOf(c) + 1);
  if (a >= b) {
    throw new Error(`splitThreeParts('${arch}'): intermediateFrom '${from[0]}' must come before finalFrom '${from[1]}' (stage order: ${cutPoints.join(', ')}).`);
  }
  return new ThreePartModel(model, stages, [a, b], reluOnLogits);
}

/** Models: the module system, the architecture zoo and its registry, parameter counts and checkpoints. */
export { Classifier, copyWeights, type ModelSpec } from './classifier';
export { createModel, cloneModel, modelNames, type CreateModelOptions } from './registry';
export { countParameters, type CountOptions } from './count';
export {
  saveCheckpoint,
  loadCheckpoint,
  loadCheckpointInto,
  readCheckpointHeader,
  CHECKPOINT_VERSION,
  type CheckpointHeader,
  type CheckpointTensor,
} from './checkpoint';
export { splitThreeParts, hasReferenceCuts, headSplitCuts, ThreePartModel, ModelPart, PART_NAMES, type PartName, type ThreePartOptions } from './three-part';
export { Module, Sequential } from './nn/module';
export { LayerNorm, layerNorm, GELU, gelu, MultiHeadSelfAttention, TransformerMlp, EncoderBlock, PatchEmbed, tokenwise, timmLinear } from './nn/transformer';
export { truncNormal } from './nn/init';
export { ConvTranspose2d } from './nn/conv-transpose';
export type { VitOptions } from './zoo/vit';
export {
  Conv2d,
  Linear,
  InstanceNorm,
  instanceNorm,
  BatchNorm,
  ReLU,
  Pool2d,
  GlobalAvgPool,
  Flatten,
  Dropout,
  Identity,
  makeNorm,
  type NormKind,
  type Padding,
} from './nn/layers';
export { BasicBlock, Bottleneck } from './nn/resnet-blocks';
export { uniformFanIn } from './nn/init';
export type { ZooBuilder, ZooModel } from './zoo/types';
export type { ConvNetOptions } from './zoo/convnet';
export type { MlpOptions } from './zoo/mlp';
export type { LeNetOptions } from './zoo/lenet';
export type { ResNetOptions } from './zoo/resnet';
export type { Vgg16Options } from './zoo/vgg16';
export type { AllCnnOptions } from './zoo/allcnn';
export type { Cnn4Options } from './zoo/cnn4';

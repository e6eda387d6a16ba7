/** Public API of lib/data: the Dataset type and helpers, batching, loaders, forget/retain splits. */
export * from './dataset';
export { batchTensors, epochBatches } from './batches';
export { loadDataset, datasetDir, datasetNames, datasetSplits, type DatasetName, type DatasetOptions, type AnyDatasetOptions } from './loaders';
export { dataHome, type LoaderOptions } from './loaders/common';
export { loadFashionMnist, fashionMnistDir, FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_STD, DEBIAN_FASHION_MNIST_DIR } from './loaders/fashion-mnist';
export { readIdx, type IdxArray } from './loaders/idx';
export { loadCifar10, cifar10Dir, CIFAR10_CLASSES, CIFAR10_MEAN, CIFAR10_STD } from './loaders/cifar10';
export { loadSvhn, svhnDir, SVHN_CLASSES, SVHN_MEAN, SVHN_STD } from './loaders/svhn';
export { loadCinic10, cinic10Dir, CINIC10_CLASSES, CINIC10_MEAN, CINIC10_STD, type Cinic10Options } from './loaders/cinic10';
export {
  loadUtkface,
  utkfaceDir,
  parseUtkfaceName,
  utkfaceAgeClass,
  UTKFACE_GROUPINGS,
  UTKFACE_MEAN,
  UTKFACE_STD,
  type UtkfaceOptions,
  type UtkfaceName,
} from './loaders/utkface';
export { loadVggface2, vggface2Dir, vggface2Identities, VGGFACE2_MEAN, VGGFACE2_STD, type Vggface2Options } from './loaders/vggface2';
export { readMat5, type MatArray } from './loaders/mat5';
export { resizeBilinear, centerCropSquare, decodePngRgb, decodeJpegRgb, type RgbImage } from './loaders/images';
export * from './splits';

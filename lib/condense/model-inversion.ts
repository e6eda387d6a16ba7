import * as tf from '@tensorflow/tfjs';
import { batchTensors } from '../data/batches';
import { imageSize, type Dataset } from '../data/dataset';
import { yieldIfDue } from '../engine/event-loop';
import { tidyRead, tidyReadScalar } from '../engine/read';
import { Rng } from '../engine/rng';
import type { PhaseTimer } from '../engine/timer';
import type { Classifier } from '../models/classifier';
import type { Module } from '../models/nn/module';
import { crossEntropy } from '../train/losses';
import { createOptimizer } from '../train/optimizers';
import { toCondensedSet } from './blend';
import { checkClusters, positionMap, positionsOfIds } from './cluster-weights';
import type { CondensedSet } from './condensed';
import { BucketNet, InverterNet } from './inversion-nets';
import type { Cluster } from './partition';

export interface ModelInversionOptions {
  seed: number | string;
  /**
   * 'lite' (Algorithm 3 as in the reference's MLP folders / benchmark "lite"): input = one-hot cluster
   * id, the frozen pretrained classifier supplies the CE term. 'bulky' (benchmark): a bucket MLP is
   * first trained to predict cluster ids, the inverter takes its softmax and is trained through it.
   */
  variant?: 'lite' | 'bulky';
  /** The frozen pretrained model M (required for 'lite'; evaluation mode, never updated). */
  classifier?: Classifier;
  /** Inverter epochs over all clustered images (reference 200). */
  epochs?: number;
  /** Inverter batch (reference: 128 lite in the VGG16 K study, 512 in the MLP K study, 256 bulky); default 128 lite, 256 bulky. */
  batchSize?: number;
  /** Adam learning rate of the inverter and the bucket model (reference 1e-3). */
  lr?: number;
  /** lambda of L = CE + lambda * MSE(image) (reference 1). */
  mseWeight?: number;
  /** InvertedMLP hidden widths (reference [128, 512, 2048, 4096]). */
  inverterHidden?: number[];
  /** Bucket MLP hidden widths (reference [2048, 512, 256]). */
  bucketHidden?: number[];
  /** Bucket training epochs (reference 40) and batch (reference 128). */
  bucketEpochs?: number;
  bucketBatchSize?: number;
  timer?: PhaseTimer;
  /** Called after every inverter epoch with its mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Largest cluster count of the bulky variant, which keeps an M x M table of mean bucket softmax codes. */
const MAX_BULKY_CLUSTERS = 8192;

function checkInt(v: number, name: string, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`modelInversionCondensation: ${name} must be an integer >= ${min}, got ${v}.`);
}

function checkWidths(v: number[], name: string): void {
  if (!Array.isArray(v) || v.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new Error(`modelInversionCondensation: ${name} must be a list of positive integers, got ${JSON.stringify(v)}.`);
  }
}

/** Adam epochs over the samples in shuffled batches; step(positions, batchIndex) returns the batch loss. Returns the mean loss per epoch. */
async function trainEpochs(
  params: tf.Variable[],
  lr: number,
  epochs: number,
  n: number,
  batch: number,
  rng: Rng,
  loss: (order: Int32Array) => tf.Scalar,
  onEpoch?: (epoch: number, loss: number) => void,
): Promise<number[]> {
  const opt = createOptimizer({ kind: 'adam' });
  const history: number[] = [];
  try {
    for (let e = 0; e < epochs; e++) {
      const order = rng.fork(`epoch${e}`).permutation(n);
      let sum = 0;
      for (let s = 0; s < n; s += batch) {
        const idx = order.subarray(s, Math.min(n, s + batch));
        const v = await tidyReadScalar(() => {
          const { value, grads } = tf.variableGrads(() => loss(idx), params);
          opt.step(params, params.map((p) => grads[p.name]), lr);
          return value;
        });
        sum += v * idx.length;
        await yieldIfDue();
      }
      const mean = sum / n;
      if (!Number.isFinite(mean)) throw new Error(`modelInversionCondensation: the loss became ${mean} at epoch ${e + 1}; lower lr (now ${lr}).`);
      history.push(mean);
      onEpoch?.(e + 1, mean);
    }
    return history;
  } finally {
    opt.dispose();
  }
}

/**
 * Dataset condensation via model inversion (2024 paper, Algorithm 3; docs/reference/modular-2024.md#b4, #b10b): an InverterNet g
 * maps a cluster code to an image and is trained on every clustered image with
 * L = CE(M(g(code_i)), y_i) + lambda * MSE(g(code_i), x_i), Adam; the condensed image of cluster j is
 * g(code_j). Lite: code = one-hot cluster id and M = the frozen pretrained classifier, y = the class.
 * Bulky: M = a bucket MLP trained first to predict cluster ids from images, code_i = its softmax on
 * x_i, y = the cluster id, and the condensed code of cluster j = the mean softmax over its members
 * (docs/reference/modular-2024.md#b4 does not say which code the reference feeds at the end). One image per cluster, label =
 * the cluster's class, id = syntheticId(cluster.id), provenance = the members.
 */
export async function modelInversionCondensation(ds: Dataset, clusters: Cluster[], o: ModelInversionOptions): Promise<CondensedSet> {
  const run = async (): Promise<CondensedSet> => {
    checkClusters(ds, clusters, 'modelInversionCondensation');
    const variant = o.variant ?? 'lite';
    if (variant !== 'lite' && variant !== 'bulky') throw new Error(`modelInversionCondensation: variant must be 'lite' or 'bulky', got '${String(variant)}'.`);
    const epochs = o.epochs ?? 200;
    const batch = o.batchSize ?? (variant === 'lite' ? 128 : 256);
    const lr = o.lr ?? 1e-3;
    const lambda = o.mseWeight ?? 1;
    const inverterHidden = o.inverterHidden ?? [128, 512, 2048, 4096];
    const bucketHidden = o.bucketHidden ?? [2048, 512, 256];
    const bucketEpochs = o.bucketEpochs ?? 40;
    const bucketBatch = o.bucketBatchSize ?? 128;
    checkInt(epochs, 'epochs', 0);
    checkInt(batch, 'batchSize', 1);
    checkInt(bucketEpochs, 'bucketEpochs', 0);
    checkInt(bucketBatch, 'bucketBatchSize', 1);
    checkWidths(inverterHidden, 'inverterHidden');
    checkWidths(bucketHidden, 'bucketHidden');
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`modelInversionCondensation: lr must be a positive number, got ${lr}.`);
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new Error(`modelInversionCondensation: mseWeight must be a number >= 0, got ${lambda}.`);
    const m = clusters.length;
    if (variant === 'lite') {
      if (o.classifier == null) throw new Error("modelInversionCondensation: the 'lite' variant needs the pretrained classifier (option classifier).");
      if (o.classifier.numClasses !== ds.classNames.length) {
        throw new Error(`modelInversionCondensation: the classifier has ${o.classifier.numClasses} classes, the dataset ${ds.classNames.length}; pass the model trained on this dataset.`);
      }
      const [h, w, c] = o.classifier.spec.inputShape;
      if (h !== ds.shape[0] || w !== ds.shape[1] || c !== ds.shape[2]) {
        throw new Error(`modelInversionCondensation: the classifier expects [${h}, ${w}, ${c}] images, the dataset has [${ds.shape.join(', ')}].`);
      }
    } else if (m > MAX_BULKY_CLUSTERS) {
      throw new Error(`modelInversionCondensation: the bulky variant keeps an M x M code table; ${m} clusters exceed ${MAX_BULKY_CLUSTERS}. Use variant 'lite'.`);
    }
    const t0 = performance.now();
    const rng = new Rng(o.seed).fork('model-inversion');
    // Every clustered image is a training sample: its position, cluster index (code) and class.
    const posOf = positionMap(ds);
    const positions: number[] = [];
    const clusterIdx: number[] = [];
    clusters.forEach((cl, j) => {
      for (const p of positionsOfIds(ds, posOf, cl.memberIds)) {
        positions.push(p);
        clusterIdx.push(j);
      }
    });
    const n = positions.length;
    const owned: Module[] = [];
    try {
      const batchOf = (idx: Int32Array) => {
        const pos = Array.from(idx, (i) => positions[i]);
        const { x, y } = batchTensors(ds, pos);
        return { x, y, cluster: tf.tensor1d(Array.from(idx, (i) => clusterIdx[i]), 'int32') };
      };
      const mse = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.squaredDifference(a, b));
      let inverter: InverterNet;
      let lossHistory: number[];
      let codes: (rows: number[]) => tf.Tensor2D;
      if (variant === 'lite') {
        const model = o.classifier!;
        inverter = new InverterNet(m, ds.shape, inverterHidden, rng.fork('inverter').uint32());
        owned.push(inverter);
        lossHistory = await trainEpochs(inverter.parameters(), lr, epochs, n, batch, rng.fork('inverter-epochs'), (idx) => {
          const { x, y, cluster } = batchOf(idx);
          const g = inverter.forward(tf.oneHot(cluster, m).toFloat());
          return tf.add(crossEntropy(model.forward(g, false), y), tf.mul(mse(g, x), lambda)) as tf.Scalar;
        }, o.onEpoch);
        codes = (rows) => tf.oneHot(tf.tensor1d(rows, 'int32'), m).toFloat() as tf.Tensor2D;
      } else {
        const bucket = new BucketNet(ds.shape, bucketHidden, m, rng.fork('bucket').uint32());
        owned.push(bucket);
        await trainEpochs(bucket.parameters(), lr, bucketEpochs, n, bucketBatch, rng.fork('bucket-epochs'), (idx) => {
          const { x, cluster } = batchOf(idx);
          return crossEntropy(bucket.forward(x), cluster);
        });
        inverter = new InverterNet(m, ds.shape, inverterHidden, rng.fork('inverter').uint32());
        owned.push(inverter);
        lossHistory = await trainEpochs(inverter.parameters(), lr, epochs, n, batch, rng.fork('inverter-epochs'), (idx) => {
          const { x, cluster } = batchOf(idx);
          const g = inverter.forward(tf.softmax(bucket.forward(x)));
          return tf.add(crossEntropy(bucket.forward(g), cluster), tf.mul(mse(g, x), lambda)) as tf.Scalar;
        }, o.onEpoch);
        // Mean bucket softmax of each cluster's members: the code of its condensed image.
        const table = new Float32Array(m * m);
        const counts = new Float32Array(m);
        for (let s = 0; s < n; s += 256) {
          const idx = Int32Array.from({ length: Math.min(256, n - s) }, (_, i) => s + i);
          const [sm] = await tidyRead(() => [tf.softmax(bucket.forward(batchOf(idx).x))]);
          idx.forEach((i, r) => {
            const j = clusterIdx[i];
            counts[j] += 1;
            for (let q = 0; q < m; q++) table[j * m + q] += sm[r * m + q];
          });
        }
        for (let j = 0; j < m; j++) for (let q = 0; q < m; q++) table[j * m + q] /= counts[j];
        codes = (rows) => tf.tensor2d(Float32Array.from(rows.flatMap((j) => Array.from(table.subarray(j * m, (j + 1) * m)))), [rows.length, m]);
      }
      const per = imageSize(ds);
      const images = new Float32Array(m * per);
      for (let s = 0; s < m; s += 256) {
        const rows = Array.from({ length: Math.min(256, m - s) }, (_, i) => s + i);
        const [img] = await tidyRead(() => [inverter.forward(codes(rows))]);
        images.set(img as Float32Array, s * per);
      }
      const method = variant === 'lite' ? 'model-inversion' : 'model-inversion-bulky';
      return toCondensedSet(ds, clusters, images, method, (performance.now() - t0) / 1000, lossHistory);
    } finally {
      owned.forEach((mod) => mod.dispose());
    }
  };
  return o.timer ? o.timer.timeAsync('condensation', run) : run();
}

import * as tf from '@tensorflow/tfjs';
import { imageSize, type Dataset } from '../data/dataset';
import { yieldIfDue } from '../engine/event-loop';
import { tidyRead, tidyReadScalar } from '../engine/read';
import type { Classifier } from '../models/classifier';
import { createOptimizer, type OptimizerSpec } from '../train/optimizers';
import { embedPositions } from './features';
import type { Cluster } from './partition';

/**
 * Shared engine of Blend and fast distribution matching: one synthetic image per cluster, a weighted
 * combination of the cluster's real images, with the weights fitted so that the image's features
 * match the mean features of the members. All clusters are optimised together: clusters are sorted
 * by size and processed in chunks, each chunk padded to its largest cluster with a 0/1 mask, so one
 * forward/backward pass covers a whole chunk. Clusters do not interact (the per-cluster losses are
 * summed and every weight belongs to one cluster), so chunking changes nothing mathematically.
 */
export interface ClusterWeightOptions {
  /** Frozen feature map phi (its embed()). */
  extractor: Classifier;
  iterations: number;
  lr: number;
  optimizer: OptimizerSpec;
  /** true: s = sum(w x) / sum(w) (Blend); false: s = sum(w x) (fast DM). */
  normalise: boolean;
  /** Per-cluster reduction over feature dimensions: 'mean' (Blend, MSE) or 'sum' (fast DM). */
  featureReduction: 'mean' | 'sum';
  /** Divide the summed loss by the number of clusters M (Blend's objective is (1/M) sum_c L_c). */
  averageOverClusters: boolean;
  /** Clusters per batched step (memory: chunk x largest cluster x image size floats). */
  chunkClusters?: number;
  /** Batch size of the target-feature pass over the members. */
  featureBatchSize?: number;
}

export interface ClusterWeightResult {
  /** One image per cluster [M, h, w, c] row-major, in the order of the clusters given. */
  images: Float32Array;
  /** Effective (normalised for Blend) weight of every member, per cluster, member order as in Cluster.memberIds. */
  weights: Float32Array[];
  /** Objective after each iteration (before the step), summed over chunks. */
  lossHistory: number[];
}

interface Chunk {
  clusterIdx: number[];
  nmax: number;
  x: tf.Tensor3D; // [b, nmax, P]
  mask: tf.Tensor2D; // [b, nmax]
  target: tf.Tensor2D; // [b, D]
  w: tf.Variable; // [b, nmax]
}

/** Position of every sample id (built once; Dataset's indicesOfIds rebuilds it per call). */
export function positionMap(ds: Dataset): Map<number, number> {
  const m = new Map<number, number>();
  ds.ids.forEach((id, i) => m.set(id, i));
  return m;
}

export function positionsOfIds(ds: Dataset, posOf: Map<number, number>, ids: ArrayLike<number>): Int32Array {
  const out = new Int32Array(ids.length);
  for (let j = 0; j < ids.length; j++) {
    const p = posOf.get(ids[j]);
    if (p === undefined) throw new Error(`${ds.name}/${ds.split}: sample id ${ids[j]} is not in this dataset; partition and condense the same training set.`);
    out[j] = p;
  }
  return out;
}

export function checkClusters(ds: Dataset, clusters: Cluster[], who: string): void {
  if (clusters.length === 0) throw new Error(`${who}: no clusters to condense; pass at least one cluster.`);
  for (const c of clusters) {
    if (c.memberIds.length === 0) throw new Error(`${who}: cluster ${c.id} has no members; drop empty clusters before condensing.`);
  }
  if (ds.labels.length === 0) throw new Error(`${who}: the source dataset ${ds.name}/${ds.split} is empty.`);
}

async function buildChunk(ds: Dataset, posOf: Map<number, number>, clusters: Cluster[], idx: number[], o: ClusterWeightOptions): Promise<Chunk> {
  const per = imageSize(ds);
  const nmax = Math.max(...idx.map((i) => clusters[i].memberIds.length));
  const b = idx.length;
  const xs = new Float32Array(b * nmax * per);
  const mask = new Float32Array(b * nmax);
  const w0 = new Float32Array(b * nmax);
  const d = o.extractor.embedDim;
  const target = new Float32Array(b * d);
  for (const [r, ci] of idx.entries()) {
    const members = clusters[ci].memberIds;
    const pos = positionsOfIds(ds, posOf, members);
    const n = pos.length;
    pos.forEach((p, j) => {
      xs.set(ds.images.subarray(p * per, (p + 1) * per), (r * nmax + j) * per);
      mask[r * nmax + j] = 1;
      w0[r * nmax + j] = 1 / n;
    });
    const f = await embedPositions(o.extractor, ds, pos, o.featureBatchSize ?? 256);
    for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) target[r * d + k] += f[j * d + k] / n;
  }
  return {
    clusterIdx: idx,
    nmax,
    x: tf.tensor3d(xs, [b, nmax, per]),
    mask: tf.tensor2d(mask, [b, nmax]),
    target: tf.tensor2d(target, [b, d]),
    w: variableFrom(tf.tensor2d(w0, [b, nmax])),
  };
}

/** A trainable variable holding `t`; t itself is disposed (tf.variable keeps its own reference). */
export function variableFrom(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t, true);
  t.dispose();
  return v;
}

function effectiveWeights(ch: Chunk, normalise: boolean): tf.Tensor2D {
  const wm = tf.mul(ch.w, ch.mask);
  return (normalise ? tf.div(wm, tf.sum(wm, 1, true)) : wm) as tf.Tensor2D;
}

function chunkImages(ds: Dataset, ch: Chunk, normalise: boolean): tf.Tensor4D {
  const wn = effectiveWeights(ch, normalise);
  const s = tf.squeeze(tf.matMul(tf.expandDims(wn, 1), ch.x), [1]); // [b, P]
  return tf.reshape(s, [ch.clusterIdx.length, ...ds.shape]);
}

function chunkLoss(ds: Dataset, ch: Chunk, o: ClusterWeightOptions, m: number): tf.Scalar {
  const f = o.extractor.embed(chunkImages(ds, ch, o.normalise), false);
  const sq = tf.square(tf.sub(f, ch.target));
  const perCluster = o.featureReduction === 'mean' ? tf.mean(sq, 1) : tf.sum(sq, 1);
  const total = tf.sum(perCluster);
  return (o.averageOverClusters ? tf.div(total, m) : total) as tf.Scalar;
}

/** Fits one weighted-combination image per cluster; see ClusterWeightOptions. */
export async function optimiseClusterImages(ds: Dataset, clusters: Cluster[], o: ClusterWeightOptions): Promise<ClusterWeightResult> {
  if (!Number.isInteger(o.iterations) || o.iterations < 0) throw new Error(`condensation: iterations must be an integer >= 0, got ${o.iterations}.`);
  if (!(o.lr > 0) || !Number.isFinite(o.lr)) throw new Error(`condensation: lr must be a positive number, got ${o.lr}.`);
  const m = clusters.length;
  const chunkSize = o.chunkClusters ?? 64;
  // Similar sizes share a chunk, so padding stays small.
  const order = Array.from(clusters.keys()).sort((a, b) => clusters[a].memberIds.length - clusters[b].memberIds.length || a - b);
  const posOf = positionMap(ds);
  const chunks: Chunk[] = [];
  const optimizer = createOptimizer(o.optimizer);
  try {
    for (let s = 0; s < m; s += chunkSize) chunks.push(await buildChunk(ds, posOf, clusters, order.slice(s, s + chunkSize), o));
    const lossHistory: number[] = [];
    for (let it = 0; it < o.iterations; it++) {
      let sum = 0;
      for (const ch of chunks) {
        sum += await tidyReadScalar(() => {
          const { value: v, grads } = tf.variableGrads(() => chunkLoss(ds, ch, o, m), [ch.w]);
          optimizer.step([ch.w], [grads[ch.w.name]], o.lr);
          return v;
        });
        await yieldIfDue();
      }
      if (!Number.isFinite(sum)) throw new Error(`condensation: the loss became ${sum} at iteration ${it + 1}; lower lr (now ${o.lr}).`);
      lossHistory.push(sum);
    }
    const per = imageSize(ds);
    const images = new Float32Array(m * per);
    const weights: Float32Array[] = new Array<Float32Array>(m);
    for (const ch of chunks) {
      const [img, wts] = await tidyRead(() => [chunkImages(ds, ch, o.normalise), effectiveWeights(ch, o.normalise)]);
      ch.clusterIdx.forEach((ci, r) => {
        images.set(img.subarray(r * per, (r + 1) * per), ci * per);
        weights[ci] = Float32Array.from(wts.subarray(r * ch.nmax, r * ch.nmax + clusters[ci].memberIds.length));
      });
    }
    return { images, weights, lossHistory };
  } finally {
    optimizer.dispose();
    for (const ch of chunks) {
      ch.x.dispose();
      ch.mask.dispose();
      ch.target.dispose();
      ch.w.dispose();
    }
  }
}

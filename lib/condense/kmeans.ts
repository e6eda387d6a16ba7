import * as tf from '@tensorflow/tfjs';
import { yieldIfDue } from '../engine/event-loop';
import { tidyRead } from '../engine/read';
import type { Rng } from '../engine/rng';

/**
 * k-means as in the Blend reference (docs/reference/blend-a-amu.md#a5-1): k-means++ seeding (first centre uniform, then D^2
 * sampling), Lloyd iterations until the summed L2 shift of the centres is below `tol` or `maxIter`
 * is reached, an emptied cluster re-seeded at a random point.
 *
 * Why not ml-kmeans: it is pure JS; one Lloyd step on a CIFAR-sized class (5000 x 2048, k = 1000)
 * is 10^10 multiply-adds in JS loops (tens of seconds per step). Here the point-to-centre distances
 * are ||x||^2 - 2 x.c + ||c||^2 with one tf matMul per row batch; only the cheap centre means run in JS.
 */
export interface KMeansOptions {
  k: number;
  rng: Rng;
  /** Reference: 100. */
  maxIter?: number;
  /** Stop when sum over centres of ||c_new - c_old||_2 < tol (reference: 1e-4). */
  tol?: number;
  /** Rows per distance matMul (memory: rows x k floats). */
  batchRows?: number;
}

export interface KMeansResult {
  /** Cluster of each row, 0..k-1; every cluster has at least one row. */
  assignments: Int32Array;
  /** Centres [k, d], row-major. */
  centres: Float32Array;
  iterations: number;
  converged: boolean;
}

function checkInput(x: Float32Array, n: number, d: number, o: KMeansOptions): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`kmeans: the data is empty (n = ${n}); pass at least k rows.`);
  if (!Number.isInteger(d) || d < 1 || x.length !== n * d) {
    throw new Error(`kmeans: ${x.length} values do not make ${n} rows of dimension ${d}.`);
  }
  if (!Number.isInteger(o.k) || o.k < 1) throw new Error(`kmeans: k must be a positive integer, got ${o.k}.`);
  if (o.k > n) throw new Error(`kmeans: k = ${o.k} is larger than the ${n} rows to cluster; use k <= ${n}.`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`kmeans: row ${Math.floor(i / d)} holds a non-finite value (${x[i]}).`);
  }
}

/** Squared distances of every row of X to one centre: [n]. */
function distToCentre(X: tf.Tensor2D, xsq: tf.Tensor1D, c: Float32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const ct = tf.tensor2d(c, [c.length, 1]);
    const csq = tf.sum(tf.square(ct));
    return tf.relu(tf.add(tf.sub(xsq, tf.mul(tf.squeeze(tf.matMul(X, ct), [1]), 2)), csq)) as tf.Tensor1D;
  });
}

async function kmeansPlusPlus(x: Float32Array, n: number, d: number, X: tf.Tensor2D, xsq: tf.Tensor1D, k: number, rng: Rng): Promise<Float32Array> {
  const centres = new Float32Array(k * d);
  let pick = rng.int(n);
  centres.set(x.subarray(pick * d, (pick + 1) * d), 0);
  let minD = distToCentre(X, xsq, centres.subarray(0, d));
  try {
    for (let j = 1; j < k; j++) {
      const w = await minD.data();
      let total = 0;
      for (let i = 0; i < n; i++) total += w[i];
      if (total > 0) {
        let r = rng.next() * total;
        pick = n - 1;
        for (let i = 0; i < n; i++) {
          r -= w[i];
          if (r < 0) {
            pick = i;
            break;
          }
        }
      } else {
        pick = rng.int(n); // every row coincides with a centre already
      }
      centres.set(x.subarray(pick * d, (pick + 1) * d), j * d);
      await yieldIfDue();
      if (j < k - 1) {
        const dj = distToCentre(X, xsq, centres.subarray(j * d, (j + 1) * d));
        const next = tf.minimum(minD, dj) as tf.Tensor1D;
        minD.dispose();
        dj.dispose();
        minD = next;
      }
    }
  } finally {
    minD.dispose();
  }
  return centres;
}

/** Nearest centre of every row and its squared distance. */
async function assign(X: tf.Tensor2D, xsq: tf.Tensor1D, centres: Float32Array, k: number, d: number, batchRows: number): Promise<{ a: Int32Array; dist: Float32Array }> {
  const n = X.shape[0];
  const a = new Int32Array(n);
  const dist = new Float32Array(n);
  // [d, k]: wasm's matMul with transposeB is ~10x slower than a plain one, so transpose once.
  const Ct = tf.tidy(() => tf.transpose(tf.tensor2d(centres, [k, d])));
  const csq = tf.tidy(() => tf.sum(tf.square(Ct), 0));
  try {
    for (let s = 0; s < n; s += batchRows) {
      const m = Math.min(batchRows, n - s);
      const [idx, md] = await tidyRead(() => {
        const xb = tf.slice(X, [s, 0], [m, d]);
        const xs = tf.slice(xsq, [s], [m]).reshape([m, 1]);
        const D = tf.add(tf.sub(xs, tf.mul(tf.matMul(xb, Ct), 2)), csq.reshape([1, k]));
        return [tf.argMin(D, 1), tf.min(D, 1)];
      });
      a.set(idx as Int32Array, s);
      dist.set(md as Float32Array, s);
      await yieldIfDue();
    }
  } finally {
    Ct.dispose();
    csq.dispose();
  }
  return { a, dist };
}

/** Runs k-means on n rows of dimension d (row-major Float32Array). Deterministic for a given rng state. */
export async function kmeans(x: Float32Array, n: number, d: number, o: KMeansOptions): Promise<KMeansResult> {
  checkInput(x, n, d, o);
  const { k, rng } = o;
  const maxIter = o.maxIter ?? 100;
  const tol = o.tol ?? 1e-4;
  const batchRows = o.batchRows ?? 1024;
  const X = tf.tensor2d(x, [n, d]);
  const xsq = tf.tidy(() => tf.sum(tf.square(X), 1)) as tf.Tensor1D;
  try {
    let centres = await kmeansPlusPlus(x, n, d, X, xsq, k, rng);
    let converged = false;
    let iterations = 0;
    let a: Int32Array = new Int32Array(n);
    for (let it = 0; it < maxIter; it++) {
      iterations = it + 1;
      a = (await assign(X, xsq, centres, k, d, batchRows)).a;
      const next = new Float32Array(k * d);
      const counts = new Int32Array(k);
      for (let i = 0; i < n; i++) {
        const c = a[i];
        counts[c]++;
        const row = i * d;
        const off = c * d;
        for (let j = 0; j < d; j++) next[off + j] += x[row + j];
      }
      let shift = 0;
      for (let c = 0; c < k; c++) {
        const off = c * d;
        if (counts[c] === 0) {
          const p = rng.int(n); // re-seed an emptied cluster at a random point
          next.set(x.subarray(p * d, (p + 1) * d), off);
        } else {
          for (let j = 0; j < d; j++) next[off + j] /= counts[c];
        }
        let s2 = 0;
        for (let j = 0; j < d; j++) s2 += (next[off + j] - centres[off + j]) ** 2;
        shift += Math.sqrt(s2);
      }
      centres = next;
      if (shift < tol) {
        converged = true;
        break;
      }
    }
    // Labels that agree with the returned centres; no cluster may be left empty (Blend needs members).
    const fin = await assign(X, xsq, centres, k, d, batchRows);
    a = fin.a;
    fillEmptyClusters(a, fin.dist, k);
    return { assignments: a, centres, iterations, converged };
  } finally {
    X.dispose();
    xsq.dispose();
  }
}

/**
 * Gives every empty cluster the row farthest from its centre among clusters with more than one row
 * (deterministic; k <= n guarantees enough rows).
 */
function fillEmptyClusters(a: Int32Array, dist: Float32Array, k: number): void {
  const counts = new Int32Array(k);
  for (const c of a) counts[c]++;
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return;
  const order = Array.from(dist.keys()).sort((i, j) => dist[j] - dist[i] || i - j);
  let p = 0;
  for (const c of empty) {
    while (counts[a[order[p]]] <= 1) p++;
    const i = order[p++];
    counts[a[i]]--;
    a[i] = c;
    counts[c]++;
  }
}

/**
 * One-off timing of the per-class k-means at CIFAR-10 scale (not a unit test): random 5000 x 2048
 * features of one class, k = 1000, k-means++ seeding plus a few Lloyd iterations.
 * Run: npx tsc -p tsconfig.test.json --noEmit false --outDir /tmp/cbuild && NODE_PATH=$PWD/node_modules node /tmp/cbuild/test/condense/scripts/kmeans-timing.js
 */
import { init } from '../../../lib/engine/init';
import { Rng } from '../../../lib/engine/rng';
import { kmeans } from '../../../lib/condense/kmeans';

async function main(): Promise<void> {
  await init({ backend: process.env.UNLEARN_BACKEND ?? 'wasm' });
  const n = Number(process.env.N ?? 5000);
  const d = Number(process.env.D ?? 2048);
  const k = Number(process.env.K ?? 1000);
  const iters = Number(process.env.ITERS ?? 3);
  const rng = new Rng(1);
  const x = rng.normalArray(n * d);
  // Seeding alone (maxIter 0 would skip Lloyd; time it as the difference of two runs).
  let t0 = performance.now();
  await kmeans(x, n, d, { k, rng: new Rng(2), maxIter: 1, tol: 0 });
  const oneIter = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const r = await kmeans(x, n, d, { k, rng: new Rng(2), maxIter: iters, tol: 0 });
  const total = (performance.now() - t0) / 1000;
  const perLloyd = (total - oneIter) / (iters - 1);
  console.log(JSON.stringify({ n, d, k, iterations: r.iterations, secondsOneIteration: oneIter, secondsTotal: total, secondsPerLloydIteration: perLloyd, seedingSecondsApprox: oneIter - perLloyd }));
}

void main();

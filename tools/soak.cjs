#!/usr/bin/env node
// Soak test of unlearning: `rounds` unlearning rounds in one process, each starting from the previous
// round's model (as multi-round unlearning does), cycling through several methods, with the live tensor
// count and the process RSS after every round. Prints one JSON object: the curve and its growth.
// `--check` exits 1 when the tensor count after any round differs from the first round's (a leak).
//
//   npm run build && node tools/soak.cjs --rounds 100 > soak.json
//   node tools/soak.cjs --rounds 20 --check        (what test/sweep/soak.test.ts runs)
//
// Data: Fashion-MNIST, --per-class training images per class (default 40) and 20 test images per class;
// model: ConvNet width 8, trained 2 epochs; each round forgets a fresh 10% uniform sample of the training set.
'use strict';
const path = require('node:path');
const { parseArgs } = require('node:util');
const { performance } = require('node:perf_hooks');

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '100' },
    methods: { type: 'string', default: 'cf,l1-sparse,scrub,a-cf,bad-teacher,neggrad' },
    'per-class': { type: 'string', default: '40' },
    check: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const perClass = Number(values['per-class']);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${values.rounds}.`);
if (!Number.isInteger(perClass) || perClass < 2) throw new Error(`--per-class must be an integer >= 2, got ${values['per-class']}.`);

const dist = path.join(__dirname, '..', 'dist', 'index.js');
let lib;
try {
  lib = require(dist);
} catch (e) {
  throw new Error(`tools/soak.cjs runs the built library (${dist}): build it with \`npm run build\` (${e.message}).`);
}
const tf = require('@tensorflow/tfjs-core');
const { init, loadDataset, capPerClass, subsetByIndex, subsetByIds, uniformSplit, createModel, fit, accuracy, getUnlearner } = lib;
const methods = values.methods.split(',').map((m) => getUnlearner(m.trim()).name);

const mib = (b) => Number((b / 2 ** 20).toFixed(1));

async function main() {
  const engine = await init({ log: false });
  const capped = (ds, n, seed) => subsetByIndex(ds, Array.from(capPerClass(ds, { perClass: n, seed })));
  const train = capped(loadDataset('fashion-mnist', 'train'), perClass, 'soak-train');
  const test = capped(loadDataset('fashion-mnist', 'test'), 20, 'soak-test');
  let model = createModel('convnet', { inputShape: train.shape, numClasses: train.classNames.length, seed: 0, options: { width: 8 } });
  await fit(model, train, { epochs: 2, batchSize: 32, lr: 0.05, seed: 0 });
  const before = { numTensors: tf.memory().numTensors, rssMiB: mib(process.memoryUsage().rss) };
  const curve = [];
  const t0 = performance.now();
  for (let r = 1; r <= rounds; r++) {
    const method = methods[(r - 1) % methods.length];
    const split = uniformSplit(train, { fraction: 0.1, seed: `soak-round-${r}` });
    const forget = subsetByIds(train, split.forget);
    const retain = subsetByIds(train, split.retain);
    const ts = performance.now();
    const res = await getUnlearner(method).run({ original: model, retain, forget, testPool: test, config: { ...getUnlearner(method).smokeConfig }, seed: r });
    model.dispose();
    model = res.model;
    const forgetAcc = await accuracy(model, forget);
    const mem = process.memoryUsage();
    curve.push({ round: r, method, numTensors: tf.memory().numTensors, numBytes: tf.memory().numBytes, rssMiB: mib(mem.rss), heapUsedMiB: mib(mem.heapUsed), seconds: Number(((performance.now() - ts) / 1000).toFixed(2)), forgetAcc: Number(forgetAcc.toFixed(4)) });
  }
  model.dispose();
  const first = curve[0];
  const last = curve[curve.length - 1];
  const grew = curve.filter((c) => c.numTensors !== first.numTensors);
  const out = {
    backend: engine.backend,
    rounds,
    methods,
    trainImages: train.labels.length,
    before,
    tensorGrowth: last.numTensors - first.numTensors,
    maxTensors: Math.max(...curve.map((c) => c.numTensors)),
    rssGrowthMiB: Number((last.rssMiB - first.rssMiB).toFixed(1)),
    maxRssMiB: Math.max(...curve.map((c) => c.rssMiB)),
    afterDisposeTensors: tf.memory().numTensors,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    curve,
  };
  console.log(JSON.stringify(out, null, 1));
  if (values.check && grew.length > 0) {
    console.error(`soak: the tensor count changed after ${grew.length} round(s): ${first.numTensors} after round 1, then ${grew.slice(0, 5).map((c) => `${c.numTensors} after round ${c.round}`).join(', ')}: a leak.`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`soak: ${e.stack ?? e}`);
  process.exit(1);
});

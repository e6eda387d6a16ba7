/**
 * Runs benchCondensation / reducedRetainRatios once and prints the JSON (not a unit test).
 * Run: npx tsc -p tsconfig.test.json --noEmit false --outDir /tmp/cbuild && NODE_PATH=$PWD/node_modules node /tmp/cbuild/test/bench/run-condensation-bench.js [quick]
 */
import { benchCondensation, reducedRetainRatios } from '../../lib/bench';
import { init } from '../../lib/engine/init';

async function main(): Promise<void> {
  await init({ backend: process.env.UNLEARN_BACKEND ?? 'wasm' });
  const quick = process.argv.includes('quick');
  if (!process.argv.includes('no-ratios')) console.log(JSON.stringify(await reducedRetainRatios({ quick }), null, 1));
  if (!process.argv.includes('no-bench')) console.log(JSON.stringify(await benchCondensation({ quick }), null, 1));
}

void main();

#!/usr/bin/env node
// Registers the Jupyter kernel "unlearn-lab (TypeScript)": kernels-config/kernel.cjs (this project's
// tslab, set up so that notebooks in any folder can import 'unlearn-lab'), run by this Node, with the
// project's environment. Writes the kernel spec (what `jupyter kernelspec install` does) and installs
// plotly.js as nbextensions/unlearn-lab/plotly.js beside it (what `jupyter nbextension install` does) so
// that a classic Notebook server serves it to pages whose figures need it (lib/plot/display.ts).
//
// Two places: this checkout's own Jupyter folder, <checkout>/.jupyter (always; run-notebooks.py puts it
// first on JUPYTER_PATH, so the tests of a checkout always run that checkout's kernel), and the per-user
// one that Jupyter finds by default. The per-user spec is written when it is missing, already this
// checkout's, or points at a checkout that no longer exists; with --here (what `npm start` passes) it
// is taken over from another checkout too. So a clean clone running its tests (CI) never re-points the
// kernel a user's notebooks use. Stays quiet when everything is up to date.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const quiet = process.argv.includes('--quiet');
const here = process.argv.includes('--here');
const name = 'unlearn-lab';

/** The per-user Jupyter data folder. */
function userDataDir() {
  return process.env.JUPYTER_DATA_DIR || path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'jupyter');
}

/** This checkout's own Jupyter data folder (git-ignored). */
const checkoutDataDir = path.join(root, '.jupyter');

function writeAtomic(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Copies node_modules/plotly.js-dist/plotly.js to <data>/nbextensions/unlearn-lab/plotly.js when it differs; returns the path when it wrote it. */
function installPlotly(dataDir) {
  let src;
  try {
    src = require.resolve('plotly.js-dist/plotly.js', { paths: [root] });
  } catch {
    throw new Error(`plotly.js-dist is not installed under ${root}/node_modules: run npm ci first.`);
  }
  const dst = path.join(dataDir, 'nbextensions', name, 'plotly.js');
  const data = fs.readFileSync(src);
  if (fs.existsSync(dst) && fs.readFileSync(dst).equals(data)) return null;
  writeAtomic(dst, data);
  return dst;
}

function kernelSpec() {
  const template = JSON.parse(fs.readFileSync(path.join(__dirname, name, 'kernel.json'), 'utf8'));
  const tslab = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!fs.existsSync(tslab)) throw new Error(`tslab is not installed (${tslab} missing): run npm ci first.`);
  const fill = (s) => s.replaceAll('{node}', process.execPath).replaceAll('{tslab}', tslab).replaceAll('{root}', root);
  return {
    ...template,
    argv: template.argv.map(fill),
    env: Object.fromEntries(Object.entries(template.env || {}).map(([k, v]) => [k, fill(v)])),
  };
}

/** Writes the kernel spec and plotly.js into a Jupyter data folder when they differ; returns what it wrote. */
function register(dataDir, text) {
  const wrote = [];
  const plotly = installPlotly(dataDir);
  if (plotly != null) wrote.push(`plotly.js for the Jupyter server at ${plotly}`);
  const dir = path.join(dataDir, 'kernels', name);
  const file = path.join(dir, 'kernel.json');
  if (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text)) {
    writeAtomic(file, text);
    for (const extra of fs.readdirSync(path.join(__dirname, name))) {
      if (extra !== 'kernel.json') fs.copyFileSync(path.join(__dirname, name, extra), path.join(dir, extra));
    }
    wrote.push(`Jupyter kernel '${name}' (unlearn-lab (TypeScript)) at ${dir}`);
  }
  return wrote;
}

/** The checkout a registered spec runs (its UNLEARN_LAB_ROOT), or null when there is no readable spec. */
function specCheckout(dataDir) {
  try {
    const spec = JSON.parse(fs.readFileSync(path.join(dataDir, 'kernels', name, 'kernel.json'), 'utf8'));
    return typeof spec.env?.UNLEARN_LAB_ROOT === 'string' ? spec.env.UNLEARN_LAB_ROOT : null;
  } catch {
    return null;
  }
}

function main() {
  const text = JSON.stringify(kernelSpec(), null, 1) + '\n';
  const wrote = register(checkoutDataDir, text);
  const owner = specCheckout(userDataDir());
  const ownerAlive = owner != null && fs.existsSync(path.join(owner, 'kernels-config', 'kernel.cjs'));
  if (here || owner == null || owner === root || !ownerAlive) {
    wrote.push(...register(userDataDir(), text));
  } else if (!quiet) {
    console.log(`kept the per-user kernel '${name}' of the checkout ${owner}; run \`node kernels-config/register-kernel.cjs --here\` (or npm start) to point it at ${root}`);
  }
  for (const w of wrote) console.log(`registered ${w}`);
  if (wrote.length === 0 && !quiet) console.log(`kernel '${name}' already registered for ${root}`);
}

try {
  main();
} catch (e) {
  console.error(`register-kernel: ${e.message}`);
  process.exit(1);
}

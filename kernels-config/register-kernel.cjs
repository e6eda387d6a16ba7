#!/usr/bin/env node
// Registers the Jupyter kernel "unlearn-lab (TypeScript)": kernels-config/kernel.cjs (this project's
// tslab, set up so that notebooks in any folder can import 'unlearn-lab'), run by this Node, with the
// project's environment. Writes the per-user kernel spec (what `jupyter kernelspec install --user` does),
// and installs plotly.js as nbextensions/unlearn-lab/plotly.js in the same Jupyter data folder (what
// `jupyter nbextension install --user` does) so that a classic Notebook server serves it to pages whose
// figures need it (lib/plot/display.ts). Stays quiet when both are up to date.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const quiet = process.argv.includes('--quiet');
const name = 'unlearn-lab';

function dataDir() {
  return process.env.JUPYTER_DATA_DIR || path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'jupyter');
}

function kernelDir() {
  return path.join(dataDir(), 'kernels', name);
}

function writeAtomic(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Copies node_modules/plotly.js-dist/plotly.js to <data>/nbextensions/unlearn-lab/plotly.js when it differs; returns the path when it wrote it. */
function installPlotly() {
  let src;
  try {
    src = require.resolve('plotly.js-dist/plotly.js', { paths: [root] });
  } catch {
    throw new Error(`plotly.js-dist is not installed under ${root}/node_modules: run npm ci first.`);
  }
  const dst = path.join(dataDir(), 'nbextensions', name, 'plotly.js');
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

function main() {
  const dir = kernelDir();
  const file = path.join(dir, 'kernel.json');
  const text = JSON.stringify(kernelSpec(), null, 1) + '\n';
  const plotly = installPlotly();
  if (plotly != null) console.log(`installed plotly.js for the Jupyter server at ${plotly}`);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) {
    if (!quiet) console.log(`kernel '${name}' already registered at ${dir}`);
    return;
  }
  writeAtomic(file, text);
  for (const extra of fs.readdirSync(path.join(__dirname, name))) {
    if (extra !== 'kernel.json') fs.copyFileSync(path.join(__dirname, name, extra), path.join(dir, extra));
  }
  console.log(`registered Jupyter kernel '${name}' (unlearn-lab (TypeScript)) at ${dir}`);
}

try {
  main();
} catch (e) {
  console.error(`register-kernel: ${e.message}`);
  process.exit(1);
}

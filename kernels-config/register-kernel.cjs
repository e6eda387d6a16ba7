#!/usr/bin/env node
// Registers the Jupyter kernel "unlearn-lab (TypeScript)": tslab from this project's node_modules,
// run by this Node, with the project's environment. Writes the per-user kernel spec (what
// `jupyter kernelspec install --user` does) and stays quiet when it is already up to date.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const quiet = process.argv.includes('--quiet');
const name = 'unlearn-lab';

function kernelDir() {
  const data = process.env.JUPYTER_DATA_DIR || path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'jupyter');
  return path.join(data, 'kernels', name);
}

function kernelSpec() {
  const template = JSON.parse(fs.readFileSync(path.join(__dirname, name, 'kernel.json'), 'utf8'));
  const tslab = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!fs.existsSync(tslab)) throw new Error(`tslab is not installed (${tslab} missing): run npm ci first.`);
  const fill = (s) => s.replace('{node}', process.execPath).replace('{tslab}', tslab).replace('{root}', root);
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
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) {
    if (!quiet) console.log(`kernel '${name}' already registered at ${dir}`);
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
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

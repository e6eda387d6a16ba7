#!/usr/bin/env node
// The 'unlearn-lab (TypeScript)' Jupyter kernel: this project's tslab, set up so that `import ... from
// 'unlearn-lab'` (and require) work in a notebook opened from any folder.
//
// usage (what kernel.json runs): node kernels-config/kernel.cjs --config-path CONNECTION_FILE
//
// Why a launcher and not only NODE_PATH: tslab handles every cell twice. Its TypeScript check resolves
// modules from the notebook's folder upwards (TypeScript's Node10 resolution) and ignores NODE_PATH;
// then Node's require runs the cell and does read NODE_PATH (kernel.json sets it to this project's
// node_modules). So outside the repository the check failed with "Cannot find module 'unlearn-lab' or its
// corresponding type declarations" before require was ever tried. And both relied on the link
// node_modules/unlearn-lab -> .. that setup.sh makes, which any later `npm install` deletes.
//
// Here, before tslab starts: (1) the checker gets one more node_modules folder, the last it tries,
// `/node_modules`, whose missing entries come from the NODE_PATH folders and then, for 'unlearn-lab', from
// this project; (2) require gets the same last resort for 'unlearn-lab'. Both search the same places in the same
// order (the notebook's folder and its parents first, so a node_modules/unlearn-lab there still wins), so
// the types checked and the code run always come from one package. Nothing is written anywhere.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

function fail(message) {
  console.error(`unlearn-lab kernel: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const i = argv.indexOf('--config-path');
  if (i < 0 || argv[i + 1] == null) fail(`usage: node ${path.join(__dirname, 'kernel.cjs')} --config-path CONNECTION_FILE (Jupyter passes it; got: ${argv.join(' ') || 'no arguments'})`);
  return { configPath: argv[i + 1] };
}

/** The folders of NODE_PATH, absolute, in order (Node's own parsing: path.delimiter, empty entries skipped). */
function nodePathDirs(value) {
  return (value || '')
    .split(path.delimiter)
    .filter((p) => p !== '')
    .map((p) => path.resolve(p));
}

/**
 * Makes a TypeScript `sys` (the object tslab's compiler host forwards to) see one more node_modules folder,
 * `<fs root>/node_modules`, the last one its module resolution tries: an entry that is not really there is
 * read from the first NODE_PATH folder in `dirs` that has it, else from `packages` (name -> folder). The
 * same order as require in this kernel: the notebook's folder and its parents, NODE_PATH, then `packages`.
 * Returns the names of the wrapped functions, for tests.
 */
function addModuleFolders(sys, { dirs = [], packages = {} }, fsRoot = path.parse(process.cwd()).root) {
  const virtualDir = path.join(fsRoot, 'node_modules');
  const orig = {
    fileExists: sys.fileExists.bind(sys),
    directoryExists: sys.directoryExists.bind(sys),
    readFile: sys.readFile.bind(sys),
    realpath: sys.realpath ? sys.realpath.bind(sys) : (p) => p,
    getDirectories: sys.getDirectories.bind(sys),
  };
  const exists = (p) => orig.fileExists(p) || orig.directoryExists(p);
  /** The real paths a path under the virtual folder may stand for, in order; null for any other path. */
  const candidates = (p) => {
    if (typeof p !== 'string') return null;
    const rel = path.relative(virtualDir, p);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
    // NODE_PATH first, then the packages: the order of require here (addPackagesToRequire is its last resort).
    const out = dirs.map((dir) => path.join(dir, rel));
    for (const [name, dir] of Object.entries(packages)) {
      if (rel === name || rel.startsWith(name + path.sep)) out.push(path.join(dir, rel.slice(name.length)));
    }
    return out;
  };
  /** The real path for a virtual one that does not exist for real, else null. */
  const forward = (p) => {
    const c = candidates(p);
    if (c == null || p === virtualDir || exists(p)) return null;
    return c.find(exists) ?? null;
  };
  sys.fileExists = (p) => {
    if (orig.fileExists(p)) return true;
    const f = forward(p);
    return f != null && orig.fileExists(f);
  };
  sys.directoryExists = (p) => {
    if (orig.directoryExists(p) || p === virtualDir) return true;
    const f = forward(p);
    return f != null && orig.directoryExists(f);
  };
  sys.readFile = (p, encoding) => orig.readFile(forward(p) ?? p, encoding);
  // The real path, so that a package's own imports resolve from where it really lives.
  sys.realpath = (p) => orig.realpath(forward(p) ?? p);
  // Listings (the type roots' @types folders): the real entries and those of every folder it stands for.
  sys.getDirectories = (p) => {
    const c = candidates(p);
    const own = orig.directoryExists(p) ? orig.getDirectories(p) : [];
    if (c == null) return own;
    const names = new Set(own);
    if (p === virtualDir) for (const name of Object.keys(packages)) names.add(name.split(path.sep)[0]);
    for (const dir of c) if (orig.directoryExists(dir)) for (const name of orig.getDirectories(dir)) names.add(name);
    return [...names];
  };
  return Object.keys(orig);
}

/**
 * Node's require, in this process: a package in `packages` (name -> folder) that the usual search (the
 * requiring file's node_modules folders, then NODE_PATH) does not find is loaded from its folder.
 */
function addPackagesToRequire(packages) {
  const Module = require('module');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    try {
      return resolve.call(this, request, ...rest);
    } catch (e) {
      if (e == null || e.code !== 'MODULE_NOT_FOUND' || typeof request !== 'string') throw e;
      const name = Object.keys(packages).find((n) => request === n || request.startsWith(n + '/'));
      if (name == null) throw e;
      return resolve.call(this, path.join(packages[name], request.slice(name.length)), ...rest);
    }
  };
}

/**
 * Lets the library tell which client ran a cell: the display writer tslab hands each cell (and keeps in
 * `lastWriteDisplayData`) gets `clientSession`, the execute request's header.session, which a Jupyter
 * frontend makes anew for each page it loads. lib/plot/display.ts sends plotly.js once per client, so a
 * reloaded page gets it again. Where tslab's internals differ it does nothing and says so (figures then
 * fall back to once per kernel); returns whether it applied.
 */
function tagDisplaysWithClient(jupyter) {
  const server = jupyter.ZmqServer && jupyter.ZmqServer.prototype;
  const handler = jupyter.JupyterHandlerImpl && jupyter.JupyterHandlerImpl.prototype;
  if (!server || !handler || typeof server.handleExecute !== 'function' || typeof handler.handleExecute !== 'function') {
    console.error('unlearn-lab kernel: this tslab has no ZmqServer/JupyterHandlerImpl.handleExecute; plotly.js is sent once per kernel, not once per browser page.');
    return false;
  }
  const clientOf = new WeakMap();
  const serverExecute = server.handleExecute;
  server.handleExecute = function (sock, msg) {
    const session = msg && msg.header && msg.header.session;
    if (msg && msg.content && typeof msg.content === 'object' && typeof session === 'string' && session !== '') clientOf.set(msg.content, session);
    return serverExecute.call(this, sock, msg);
  };
  const handlerExecute = handler.handleExecute;
  handler.handleExecute = function (req, writeStream, writeDisplayData) {
    const session = req != null && typeof req === 'object' ? clientOf.get(req) : undefined;
    const tagged = session == null || typeof writeDisplayData !== 'function' ? writeDisplayData : Object.assign((...a) => writeDisplayData(...a), { clientSession: session });
    return handlerExecute.call(this, req, writeStream, tagged);
  };
  return true;
}

/**
 * tslab sends every Jupyter message with sock.send() and never awaits it, but zeromq 6 allows one send in
 * flight per socket: while one waits (a busy iopub: progress updates and figures, on a loaded machine), the
 * next throws EBUSY "Socket is busy writing", synchronously and uncaught, and the kernel dies. Here the sends
 * of each Publisher and Router socket queue behind each other, in order; a send that fails is reported on
 * stderr instead of killing the kernel. Returns the names of the socket classes it changed.
 */
function serializeSocketSends(zmq) {
  const patched = [];
  for (const name of ['Publisher', 'Router']) {
    const proto = zmq[name] && zmq[name].prototype;
    if (!proto || typeof proto.send !== 'function') continue;
    const send = proto.send;
    const tails = new WeakMap();
    // Defined, not assigned: the socket base class's send is read-only.
    Object.defineProperty(proto, 'send', {
      configurable: true,
      writable: true,
      value: function (message) {
        const next = (tails.get(this) || Promise.resolve()).then(() => send.call(this, message));
        const settled = next.catch((e) => console.error(`unlearn-lab kernel: a Jupyter message could not be sent: ${e && e.message}`));
        tails.set(this, settled);
        return settled;
      },
    });
    patched.push(name);
  }
  return patched;
}

function main() {
  const { configPath } = parseArgs(process.argv.slice(2));
  let tslabMain;
  let ts;
  try {
    tslabMain = require.resolve('tslab/dist/main.js', { paths: [root] });
    // tslab's own TypeScript instance (the one its converter calls), resolved from tslab's folder.
    ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [path.dirname(tslabMain)] }));
  } catch (e) {
    fail(`tslab is not installed under ${root}/node_modules (${e.message.split('\n')[0]}): run 'bash ${path.join(root, 'kernels-config', 'setup.sh')}'.`);
  }
  if (!fs.existsSync(path.join(root, 'dist', 'index.js')) || !fs.existsSync(path.join(root, 'dist', 'index.d.ts'))) {
    // Not fatal (cells that do not import the library still run), but say what is wrong and how to fix it.
    console.error(`unlearn-lab kernel: ${root}/dist is not built, so 'unlearn-lab' cannot be imported; run 'bash ${path.join(root, 'kernels-config', 'setup.sh')}'.`);
  }
  // 'unlearn-lab' is this folder, whatever the notebook's folder and whether or not node_modules/unlearn-lab
  // (the link setup.sh makes, which a later npm install removes) is there.
  const packages = { 'unlearn-lab': root };
  addModuleFolders(ts.sys, { dirs: nodePathDirs(process.env.NODE_PATH), packages });
  addPackagesToRequire(packages);
  tagDisplaysWithClient(require(path.join(path.dirname(tslabMain), 'jupyter.js')));
  serializeSocketSends(require(require.resolve('zeromq', { paths: [path.dirname(tslabMain)] })));
  // This project's tslab, never another one found above the notebook's folder: the library's display
  // code talks to this tslab instance (lib/io/jupyter.ts).
  require(tslabMain).startKernel({ configPath, enableFindLocal: false });
}

module.exports = { addModuleFolders, addPackagesToRequire, nodePathDirs, serializeSocketSends, tagDisplaysWithClient };

if (require.main === module) main();

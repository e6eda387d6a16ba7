// Builds the carry bundle of `npm run gpu-check` for a bare GPU machine (no Node, no network):
// .gpu-carry/app.tar.xz (Node binary, the check bundled by esbuild, the runtime files of the packages it
// loads by path, a Fashion-MNIST subset) and .gpu-carry/debs/ (the Vulkan loader and GL vendor-neutral
// libraries, Debian .debs). `npm run gpu-bundle`; README "GPU check" gives the run command.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { builtinModules } from 'module';
import * as path from 'path';
import * as zlib from 'zlib';
import { build } from 'esbuild';
import { readIdx } from '../../lib/data/loaders/idx';

/** Packages the bundle leaves to node_modules: tfjs must be one instance (the engine loads its webgpu backend by name) and these read files beside themselves. */
export const EXTERNAL_PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-webgl',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs-data',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  'webgpu',
];

/** Files besides each package's main that are loaded at run time by path. */
const EXTRA_FILES: Record<string, string[]> = {
  '@tensorflow/tfjs-backend-wasm': [
    'dist/tfjs-backend-wasm.wasm',
    'dist/tfjs-backend-wasm-simd.wasm',
    'dist/tfjs-backend-wasm-threaded-simd.wasm',
    'wasm-out/tfjs-backend-wasm-threaded-simd.js',
    'wasm-out/tfjs-backend-wasm-threaded-simd.wasm',
    'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js',
  ],
  // The GPU machines are x86-64 Linux: the other platforms' Dawn builds stay behind.
  webgpu: ['index.js', 'dist/linux-x64/dawn.node'],
};

/** The Debian packages the device README's Vulkan recipe unpacks (loader, and glvnd that the NVIDIA driver's ICD links). */
export const DEBS = ['libvulkan1', 'libglvnd0', 'libegl1', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];

export const SIZE_LIMIT_BYTES = 50 * 1024 * 1024;

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Bare package names of the literal require() calls in a file's source. */
export function requiredPackages(source: string): string[] {
  const out = new Set<string>();
  for (const m of source.matchAll(/require\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g)) {
    const spec = m[1];
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (!BUILTINS.has(name) && !BUILTINS.has(spec)) out.add(name);
  }
  return [...out].sort();
}

function packageDir(name: string, from: string): string | null {
  // Node's lookup: node_modules folders from `from` upwards.
  for (let d = from; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(d) === d) return null;
  }
}

/** Every file of a plain JS package except maps, docs, types and tests. */
function wholePackage(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !['test', 'tests', 'coverage', 'node_modules', 'docs', 'example', 'examples'].includes(e.name)) walk(p);
      } else if (!e.name.startsWith('.') && !/\.(map|md|markdown|ts)$/i.test(e.name)) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * The node_modules files the bundled check needs at run time: each external package's package.json,
 * main file and EXTRA_FILES, and, whole, every plain package their code requires (found by reading
 * the literal require() calls; one that does not resolve is an optional one, e.g. inside a try).
 * Returns paths relative to `root` (which holds node_modules).
 */
export function runtimeFiles(root: string, externals = EXTERNAL_PACKAGES): string[] {
  const files = new Set<string>();
  const queue: Array<{ dir: string; whole: boolean }> = [];
  const seen = new Set<string>();
  const add = (name: string, from: string, whole: boolean) => {
    const dir = packageDir(name, from);
    if (dir == null) {
      if (externals.includes(name)) throw new Error(`gpu-bundle: package ${name} is not installed under ${root}. Run npm install.`);
      return;
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    queue.push({ dir, whole });
  };
  for (const name of externals) add(name, root, false);
  while (queue.length) {
    const { dir, whole } = queue.shift()!;
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; main?: string; dependencies?: Record<string, string> };
    let own: string[];
    if (whole) {
      own = wholePackage(dir);
    } else {
      const main = path.join(dir, pkg.main ?? 'index.js');
      own = [path.join(dir, 'package.json'), main, ...(EXTRA_FILES[pkg.name] ?? []).map((f) => path.join(dir, f))];
    }
    for (const f of own) {
      if (!fs.existsSync(f)) throw new Error(`gpu-bundle: ${f} is missing (package ${pkg.name}). Reinstall it (npm ci).`);
      files.add(path.relative(root, f));
      if (/\.(c?js)$/.test(f) && !f.includes('worker')) {
        for (const dep of requiredPackages(fs.readFileSync(f, 'utf8'))) add(dep, dir, !dep.startsWith('@tensorflow/') && dep !== 'webgpu');
      }
    }
    if (whole) for (const dep of Object.keys(pkg.dependencies ?? {})) add(dep, dir, true);
  }
  return [...files].sort();
}

function writeIdxGz(file: string, dims: number[], data: Uint8Array): void {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  fs.writeFileSync(file, zlib.gzipSync(Buffer.concat([header, Buffer.from(data)]), { level: 9 }));
}

/** The first `perClass` images of each class of a Fashion-MNIST split, as idx.gz files under `outDir`. */
export function writeFashionMnistSubset(srcDir: string, outDir: string, perClass: { train: number; test: number }): void {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [split, prefix] of [['train', 'train'], ['test', 't10k']] as const) {
    const find = (base: string) => [`${base}.gz`, base].map((n) => path.join(srcDir, n)).find((f) => fs.existsSync(f));
    const imgFile = find(`${prefix}-images-idx3-ubyte`);
    const lblFile = find(`${prefix}-labels-idx1-ubyte`);
    if (!imgFile || !lblFile) throw new Error(`gpu-bundle: Fashion-MNIST ${split} idx files not found in ${srcDir}. Install Debian's dataset-fashion-mnist or pass --fashion-mnist <dir>.`);
    const img = readIdx(imgFile);
    const lbl = readIdx(lblFile);
    const per = img.dims[1] * img.dims[2];
    const counts = new Array(10).fill(0);
    const keep: number[] = [];
    lbl.data.forEach((c, i) => {
      if (counts[c] < perClass[split]) {
        counts[c]++;
        keep.push(i);
      }
    });
    const images = new Uint8Array(keep.length * per);
    keep.forEach((i, k) => images.set(img.data.subarray(i * per, (i + 1) * per), k * per));
    writeIdxGz(path.join(outDir, `${prefix}-images-idx3-ubyte.gz`), [keep.length, img.dims[1], img.dims[2]], images);
    writeIdxGz(path.join(outDir, `${prefix}-labels-idx1-ubyte.gz`), [keep.length], Uint8Array.from(keep, (i) => lbl.data[i]));
  }
}

/** Downloads the DEBS into `dir` (once: present .debs are kept), with a private apt list cache so the system's lists are left alone. */
export function downloadDebs(dir: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const have = () => fs.readdirSync(dir).filter((f) => f.endsWith('.deb'));
  const missing = DEBS.filter((p) => !have().some((f) => f.startsWith(`${p}_`)));
  if (missing.length) {
    // Outside the carried folder: the lists are tens of MiB.
    const lists = path.join(os.tmpdir(), 'unlearn-lab-gpu-apt-lists');
    fs.mkdirSync(path.join(lists, 'partial'), { recursive: true });
    const o = ['-qq', '-oAPT::Sandbox::User=root', '-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', `-oDir::State::Lists=${lists}`];
    try {
      execFileSync('apt-get', [...o, 'update'], { stdio: ['ignore', 'ignore', 'inherit'] });
      execFileSync('apt-get', [...o, 'download', ...missing], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (e) {
      throw new Error(`gpu-bundle: apt-get could not download ${missing.join(', ')} (${(e as Error).message.split('\n')[0]}). On a non-Debian machine put those amd64 .debs into ${dir} by hand.`);
    }
  }
  return have().sort();
}

export interface BundleOptions {
  /** Repository root (holds lib/ and node_modules/). */
  root: string;
  /** Output folder (default <root>/.gpu-carry). */
  outDir?: string;
  fashionMnistDir?: string;
  perClass?: { train: number; test: number };
  /** xz preset 0-9 (default 0: 3x faster than 6 for about 6 MiB more). */
  xzLevel?: number;
  /** Keep the unpacked app folder here too (tests run it). */
  keepStage?: string;
}

export interface BundleManifest {
  files: Array<{ path: string; bytes: number }>;
  debs: string[];
  archiveBytes: number;
  debBytes: number;
  totalBytes: number;
  limitBytes: number;
}

/** Builds the bundle; throws when it is over SIZE_LIMIT_BYTES (the device machine takes 64 MiB with the working tree). */
export async function buildBundle(o: BundleOptions): Promise<BundleManifest> {
  const out = o.outDir ?? path.join(o.root, '.gpu-carry');
  fs.mkdirSync(out, { recursive: true });
  const stage = o.keepStage ?? fs.mkdtempSync(path.join(out, '.stage-'));
  const app = path.join(stage, 'app');
  fs.rmSync(app, { recursive: true, force: true });
  fs.mkdirSync(app, { recursive: true });
  await build({
    entryPoints: [path.join(o.root, 'lib/gpu-check/main.ts')],
    outfile: path.join(app, 'gpu-check.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL_PACKAGES,
    logLevel: 'error',
  });
  for (const f of runtimeFiles(o.root)) {
    fs.mkdirSync(path.dirname(path.join(app, f)), { recursive: true });
    fs.copyFileSync(path.join(o.root, f), path.join(app, f));
  }
  fs.copyFileSync(process.execPath, path.join(app, 'node'));
  fs.chmodSync(path.join(app, 'node'), 0o755);
  writeFashionMnistSubset(o.fashionMnistDir ?? process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist', path.join(app, 'data/fashion-mnist'), o.perClass ?? { train: 500, test: 200 });
  const archive = path.join(out, 'app.tar.xz');
  execFileSync('bash', ['-c', `set -o pipefail; tar -C "$1" -cf - app | xz -T2 -${o.xzLevel ?? 0} > "$2.tmp" && mv "$2.tmp" "$2"`, 'pack', stage, archive]);
  const debs = downloadDebs(path.join(out, 'debs'));
  const files: BundleManifest['files'] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push({ path: path.relative(stage, p), bytes: fs.statSync(p).size });
    }
  };
  walk(app);
  if (o.keepStage == null) fs.rmSync(stage, { recursive: true, force: true });
  const archiveBytes = fs.statSync(archive).size;
  const debBytes = debs.reduce((s, f) => s + fs.statSync(path.join(out, 'debs', f)).size, 0);
  const manifest: BundleManifest = { files: files.sort((a, b) => a.path.localeCompare(b.path)), debs, archiveBytes, debBytes, totalBytes: archiveBytes + debBytes, limitBytes: SIZE_LIMIT_BYTES };
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (manifest.totalBytes > SIZE_LIMIT_BYTES) {
    throw new Error(`gpu-bundle: the bundle is ${(manifest.totalBytes / 2 ** 20).toFixed(1)} MiB, over the ${SIZE_LIMIT_BYTES / 2 ** 20} MiB limit; see ${path.join(out, 'manifest.json')} for what is in it.`);
  }
  return manifest;
}

if (require.main === module) {
  // npm runs scripts in the repository root.
  const xz = process.argv.indexOf('--xz');
  buildBundle({ root: process.cwd(), xzLevel: xz > 0 ? Number(process.argv[xz + 1]) : undefined }).then(
    (m) => console.log(`gpu-bundle: ${(m.totalBytes / 2 ** 20).toFixed(1)} MiB in .gpu-carry (app.tar.xz ${(m.archiveBytes / 2 ** 20).toFixed(1)} MiB, ${m.debs.length} .debs ${(m.debBytes / 2 ** 20).toFixed(1)} MiB)`),
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}

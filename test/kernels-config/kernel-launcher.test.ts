import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * kernels-config/kernel.cjs, the kernel launcher, piece by piece (the kernel end to end:
 * test/notebooks/kernel-anywhere.test.ts and the browser suite test/browser/).
 */
interface Sys {
  fileExists(p: string): boolean;
  directoryExists(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  realpath(p: string): string;
  getDirectories(p: string): string[];
}
const launcher = createRequire(__filename)('../../kernels-config/kernel.cjs') as {
  addModuleFolders(sys: Sys, o: { dirs?: string[]; packages?: Record<string, string> }, fsRoot?: string): string[];
  nodePathDirs(v: string | undefined): string[];
  tagDisplaysWithClient(jupyter: unknown): boolean;
  serializeSocketSends(zmq: unknown): string[];
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'unlearn-lab-launcher-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A TypeScript-like sys on the real file system. */
function realSys(): Sys {
  const isDir = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();
  return {
    fileExists: (p) => fs.existsSync(p) && fs.statSync(p).isFile(),
    directoryExists: isDir,
    readFile: (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined),
    realpath: (p) => fs.realpathSync(p),
    getDirectories: (p) => (isDir(p) ? fs.readdirSync(p).filter((n) => isDir(path.join(p, n))) : []),
  };
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('kernel.cjs: module folders for tslab\'s type check', () => {
  // A fake file-system root: <work>/fsroot stands for '/', whose node_modules is the virtual last folder.
  const fsRoot = path.join(work, 'fsroot');
  const project = path.join(work, 'project');
  const nodePath = path.join(work, 'np');
  write(path.join(project, 'package.json'), '{"name":"unlearn-lab","types":"dist/index.d.ts"}');
  write(path.join(project, 'dist', 'index.d.ts'), 'export declare const x: 1;');
  write(path.join(nodePath, 'dep', 'package.json'), '{"name":"dep"}');
  write(path.join(nodePath, '@types', 'node', 'package.json'), '{"name":"@types/node"}');
  write(path.join(fsRoot, 'node_modules', 'dep', 'package.json'), '{"name":"dep","real":true}');
  const sys = realSys();
  const wrapped = launcher.addModuleFolders(sys, { dirs: [nodePath], packages: { 'unlearn-lab': project } }, fsRoot);
  const virtual = path.join(fsRoot, 'node_modules');

  it('wraps the calls module resolution makes', () => {
    expect(wrapped.sort()).toEqual(['directoryExists', 'fileExists', 'getDirectories', 'readFile', 'realpath']);
  });

  it('serves the project as <root>/node_modules/unlearn-lab, with real paths for its files', () => {
    expect(sys.directoryExists(virtual)).toBe(true);
    expect(sys.fileExists(path.join(virtual, 'unlearn-lab', 'package.json'))).toBe(true);
    expect(sys.readFile(path.join(virtual, 'unlearn-lab', 'package.json'))).toContain('"unlearn-lab"');
    expect(sys.realpath(path.join(virtual, 'unlearn-lab', 'dist', 'index.d.ts'))).toBe(fs.realpathSync(path.join(project, 'dist', 'index.d.ts')));
    expect(sys.fileExists(path.join(virtual, 'unlearn-lab', 'dist', 'missing.d.ts'))).toBe(false);
  });

  it('then the NODE_PATH folders, after what really is there, and lists them for the type roots', () => {
    expect(sys.readFile(path.join(virtual, 'dep', 'package.json'))).toContain('"real":true');
    expect(sys.fileExists(path.join(virtual, '@types', 'node', 'package.json'))).toBe(true);
    expect(sys.getDirectories(path.join(virtual, '@types'))).toEqual(['node']);
    expect(sys.getDirectories(virtual).sort()).toEqual(['@types', 'dep', 'unlearn-lab']);
    expect(sys.fileExists(path.join(virtual, 'nowhere', 'package.json'))).toBe(false);
  });

  it('leaves every other path alone', () => {
    const other = path.join(work, 'elsewhere', 'node_modules', 'unlearn-lab', 'package.json');
    expect(sys.fileExists(other)).toBe(false);
    expect(sys.directoryExists(path.join(work, 'elsewhere'))).toBe(false);
  });

  it('reads NODE_PATH as Node does', () => {
    expect(launcher.nodePathDirs(['/a', '', 'b'].join(path.delimiter))).toEqual(['/a', path.resolve('b')]);
    expect(launcher.nodePathDirs(undefined)).toEqual([]);
  });
});

describe('kernel.cjs: the client page of each cell', () => {
  it('tags the display writer of each execute request with its session, also when requests queue up', async () => {
    const seen: (string | undefined)[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    class JupyterHandlerImpl {
      async handleExecute(_req: unknown, _ws: unknown, writeDisplayData: ((...a: unknown[]) => void) & { clientSession?: string }) {
        await gate; // tslab's queue: cells run later, after further requests arrived
        writeDisplayData('data', false);
        seen.push(writeDisplayData.clientSession);
      }
    }
    class ZmqServer {
      handler = new JupyterHandlerImpl();
      written: unknown[] = [];
      handleExecute(_sock: unknown, msg: { header: { session?: string }; content: object }) {
        return this.handler.handleExecute(msg.content, null, (...a: unknown[]) => this.written.push(a));
      }
    }
    expect(launcher.tagDisplaysWithClient({ ZmqServer, JupyterHandlerImpl })).toBe(true);
    const server = new ZmqServer();
    const runs = [server.handleExecute(null, { header: { session: 'page-1' }, content: { code: 'a' } }), server.handleExecute(null, { header: { session: 'page-2' }, content: { code: 'b' } }), server.handleExecute(null, { header: {}, content: { code: 'c' } })];
    release();
    await Promise.all(runs);
    expect(seen).toEqual(['page-1', 'page-2', undefined]);
    expect(server.written).toHaveLength(3);
  });

  it('says so and changes nothing when tslab has other internals', () => {
    const errors: string[] = [];
    const error = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(launcher.tagDisplaysWithClient({})).toBe(false);
    } finally {
      console.error = error;
    }
    expect(errors.join('\n')).toMatch(/plotly\.js is sent once per kernel/);
  });
});

describe('kernel.cjs: Jupyter messages sent one at a time', () => {
  it('a burst of sends that zeromq refuses with EBUSY all go out once the sends queue, in order', async () => {
    // tslab's own zeromq, as the kernel loads it.
    const zmq = createRequire(require.resolve('tslab/dist/main.js'))('zeromq') as {
      Publisher: new () => { bind(a: string): Promise<void>; send(m: unknown): Promise<void>; close(): void };
      Subscriber: new () => { connect(a: string): void; subscribe(): void; receive(): Promise<Buffer[]>; close(): void };
    };
    const burst = (pub: { send(m: unknown): Promise<void> }) => Array.from({ length: 1500 }, (_, i) => pub.send([`m${i}`, Buffer.alloc(100_000)]));
    const raw = new zmq.Publisher();
    await raw.bind('tcp://127.0.0.1:*');
    // Unqueued, as tslab sends: zeromq refuses once one send waits.
    const pending: Promise<unknown>[] = [];
    let refused: unknown = null;
    for (let i = 0; i < 1500 && refused == null; i++) {
      try {
        pending.push(raw.send([`m${i}`, Buffer.alloc(100_000)]).catch(() => null));
      } catch (e) {
        refused = e;
      }
    }
    expect(String(refused)).toMatch(/Socket is busy writing/);
    raw.close();
    await Promise.all(pending);

    expect(launcher.serializeSocketSends(zmq)).toEqual(['Publisher', 'Router']);
    const pub = new zmq.Publisher();
    const port = await new Promise<string>((resolve) => {
      void pub.bind('tcp://127.0.0.1:*').then(() => resolve((pub as unknown as { lastEndpoint: string }).lastEndpoint));
    });
    const sub = new zmq.Subscriber();
    sub.connect(port);
    sub.subscribe();
    await new Promise((r) => setTimeout(r, 200));
    const sends = burst(pub);
    const got: string[] = [];
    for (let i = 0; i < 20; i++) got.push((await sub.receive())[0].toString());
    await Promise.all(sends);
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    sub.close();
    pub.close();
  });
});

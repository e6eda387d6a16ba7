import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface CpuInfo {
  model: string;
  vendor: string | null;
  /** cpu family from /proc/cpuinfo (AMD 0x17 Zen/Zen 2, 0x19 Zen 3/4, 0x1a Zen 5). */
  family: number | null;
  /** The clock /proc/cpuinfo reports (MHz, the highest over cores); a VM shows its nominal clock, not boost. */
  mhz: number | null;
  logicalCores: number;
  /** Distinct (physical id, core id) pairs: cores without their SMT siblings. */
  physicalCores: number;
  /** The SIMD extensions of interest the CPU reports (wasm SIMD128 maps onto SSE/AVX). */
  simdFlags: string[];
}

/** The CPU as /proc/cpuinfo and os.cpus() describe it (fields null where the file is missing, e.g. macOS). */
export function cpuInfo(cpuinfo: string | null = readCpuinfo()): CpuInfo {
  const cpus = os.cpus();
  const blocks = (cpuinfo ?? '').split(/\n\s*\n/).filter((b) => /^processor\s*:/m.test(b));
  const field = (b: string, name: string): string | null => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(b)?.[1]?.trim() ?? null;
  const first = blocks[0] ?? '';
  const mhzs = blocks.map((b) => Number(field(b, 'cpu MHz'))).filter((v) => v > 0);
  const cores = new Set(blocks.map((b) => `${field(b, 'physical id')}:${field(b, 'core id')}`));
  const flags = (field(first, 'flags') ?? '').split(/\s+/);
  const family = field(first, 'cpu family');
  return {
    model: field(first, 'model name') ?? cpus[0]?.model ?? 'unknown',
    vendor: field(first, 'vendor_id'),
    family: family == null ? null : Number(family),
    mhz: mhzs.length ? Math.max(...mhzs) : (cpus[0]?.speed ?? null) || null,
    logicalCores: cpus.length,
    physicalCores: blocks.length && !cores.has('null:null') ? cores.size : cpus.length,
    simdFlags: ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f'].filter((f) => flags.includes(f)),
  };
}

function readCpuinfo(): string | null {
  try {
    return fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
}

export interface SimdLimit {
  /** cores x clock x flopsPerCyclePerCore, in GFLOP/s; null when the clock is unknown. */
  gflops: number | null;
  cores: number;
  clockGHz: number | null;
  lanes: 4;
  /** 128-bit floating-point vector instructions the core can start per cycle. */
  vectorFpOpsPerCycle: number;
  flopsPerCyclePerCore: number;
  assumption: string;
}

/**
 * The most f32 FLOP/s wasm SIMD could reach on this CPU. wasm SIMD128 has 4 f32 lanes and no fused
 * multiply-add (relaxed SIMD is not in tfjs-backend-wasm 4.22's builds), so a multiply-add is two
 * vector instructions, 2 FLOPs per lane. AMD Zen (family >= 0x17) has four FP pipes, two that
 * multiply and two that add, so it starts 2 multiplies + 2 adds per cycle: 16 FLOP/cycle. Intel
 * cores since Skylake multiply and add on the same two ports: 8 FLOP/cycle. Cores are physical cores
 * used (SMT siblings share the pipes). The clock is the one /proc/cpuinfo reports; boost clocks
 * raise the true limit, so the share of it is an upper bound.
 */
export function simdLimit(cpu: CpuInfo, threads: number): SimdLimit {
  const zen = cpu.vendor === 'AuthenticAMD' && cpu.family != null && cpu.family >= 0x17;
  const vectorFpOpsPerCycle = zen ? 4 : 2;
  const lanes = 4;
  const cores = Math.max(1, Math.min(threads, cpu.physicalCores));
  const clockGHz = cpu.mhz == null ? null : cpu.mhz / 1000;
  const flopsPerCyclePerCore = lanes * vectorFpOpsPerCycle;
  return {
    gflops: clockGHz == null ? null : cores * clockGHz * flopsPerCyclePerCore,
    cores,
    clockGHz,
    lanes,
    vectorFpOpsPerCycle,
    flopsPerCyclePerCore,
    assumption:
      `cores used (min of threads ${threads} and ${cpu.physicalCores} physical cores) x clock from /proc/cpuinfo x 4 f32 lanes (wasm SIMD128) x ` +
      `${vectorFpOpsPerCycle} vector FP instructions per cycle (${zen ? `AMD family 0x${cpu.family!.toString(16)}: 2 multiply + 2 add pipes` : 'assumed 2 FP ports (Intel Skylake and later); unknown CPUs are taken the same'}); ` +
      'no FMA in wasm SIMD128 (a multiply-add is 2 instructions, 2 FLOPs); boost clocks make the true limit higher, so shares of it are upper bounds',
  };
}

export interface GitRevision {
  commit: string | null;
  /** Tracked changes or untracked files in the checkout (git status --porcelain not empty). */
  dirty: boolean | null;
  reason: string | null;
}

/** The repository root: lib/bench and dist/bench both sit two levels below it. */
export function benchRepositoryRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

/** git rev-parse HEAD and the dirty flag of the checkout the bench runs from (read-only git calls). */
export function gitRevision(dir: string = benchRepositoryRoot()): GitRevision {
  const git = (args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
      // status must not take the index lock (another git command in the checkout would fail).
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
    });
  try {
    const commit = git(['rev-parse', 'HEAD']).trim();
    return { commit, dirty: git(['status', '--porcelain']).trim() !== '', reason: null };
  } catch (e) {
    return { commit: null, dirty: null, reason: `not a git checkout or no git: ${(e as Error).message.split('\n')[0]}` };
  }
}

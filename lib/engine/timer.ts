/**
 * Wall-clock timing split into named phases (e.g. kmeans / sampling / condensation / unlearning).
 * Re-entering a phase adds to it.
 */
export class PhaseTimer {
  private readonly totals = new Map<string, number>();

  time<T>(phase: string, fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.add(phase, (performance.now() - t0) / 1000);
    }
  }

  async timeAsync<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.add(phase, (performance.now() - t0) / 1000);
    }
  }

  add(phase: string, seconds: number): void {
    this.totals.set(phase, (this.totals.get(phase) ?? 0) + seconds);
  }

  seconds(phase: string): number {
    return this.totals.get(phase) ?? 0;
  }

  /** Seconds per phase, in the order phases were first seen. */
  record(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }

  total(): number {
    let s = 0;
    for (const v of this.totals.values()) s += v;
    return s;
  }
}

/**
 * Long computations yield to the event loop every YIELD_EVERY_MS. Awaiting a settled promise (a tensor
 * read on wasm or cpu) runs no signal handler, timer or I/O callback, so without these yields a SIGTERM
 * (Slurm's scancel, a notebook's interrupt) waits for the whole phase: fast DM or an evaluation ran 4-30 s
 * without a turn, longer than Slurm's default 30 s between SIGTERM and SIGKILL on a loaded machine.
 */
export const YIELD_EVERY_MS = 200;

let lastYield = performance.now();

/** Lets pending callbacks (signal handlers, timers, I/O) run now. */
export async function yieldToEventLoop(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastYield = performance.now();
}

/** Yields when YIELD_EVERY_MS have passed since the last yield; call it once per step of a long loop. */
export async function yieldIfDue(): Promise<void> {
  if (performance.now() - lastYield >= YIELD_EVERY_MS) await yieldToEventLoop();
}

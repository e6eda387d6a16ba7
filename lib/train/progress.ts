import cliProgress from 'cli-progress';

/** A progress event: the same events drive terminal bars and notebook displays. */
export interface ProgressEvent {
  task: string;
  /** Units done and total (e.g. batches over all epochs). */
  done: number;
  total: number;
  epoch?: number;
  epochs?: number;
  loss?: number;
  /** Seconds elapsed and estimated remaining. */
  elapsed: number;
  eta: number;
  /** Extra fields to show (accuracy, round, ...). */
  info?: Record<string, number | string>;
}

export type ProgressSink = (e: ProgressEvent) => void;

/** Builds ProgressEvents with elapsed time and ETA for a task of `total` units. */
export class ProgressTracker {
  private readonly t0 = performance.now();
  private lastEmit = -Infinity;

  constructor(
    readonly task: string,
    readonly total: number,
    private readonly sink?: ProgressSink,
    /** Minimum milliseconds between intermediate events. */
    private readonly intervalMs = 250,
  ) {}

  /** Emits an event if the interval has passed (always for the first and the last unit). */
  update(done: number, fields: Omit<ProgressEvent, 'task' | 'done' | 'total' | 'elapsed' | 'eta'> = {}, force = false): void {
    if (this.sink == null) return;
    const now = performance.now();
    if (!force && done < this.total && done > 0 && now - this.lastEmit < this.intervalMs) return;
    this.lastEmit = now;
    const elapsed = (now - this.t0) / 1000;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : NaN;
    this.sink({ task: this.task, done, total: this.total, elapsed, eta, ...fields });
  }

  /** True when an update now would be emitted (lets callers skip costly reads such as loss). */
  due(done: number): boolean {
    return this.sink != null && (done >= this.total || done <= 1 || performance.now() - this.lastEmit >= this.intervalMs);
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One line describing an event, shared by the terminal bar and the notebook display. */
export function describeProgress(e: ProgressEvent): string {
  const parts = [e.task];
  if (e.epoch != null) parts.push(`epoch ${e.epoch}/${e.epochs ?? '?'}`);
  parts.push(`${e.done}/${e.total}`);
  if (e.loss != null && Number.isFinite(e.loss)) parts.push(`loss ${e.loss.toFixed(4)}`);
  for (const [k, v] of Object.entries(e.info ?? {})) parts.push(`${k} ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v}`);
  parts.push(`${formatSeconds(e.elapsed)} elapsed, ETA ${formatSeconds(e.eta)}`);
  return parts.join(' | ');
}

/**
 * A terminal progress bar (cli-progress) fed by ProgressEvents; one bar per task name. On a
 * non-TTY stream (CI, files) it prints a line per event no more than every few seconds instead.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  let bar: cliProgress.SingleBar | null = null;
  let barTask = '';
  let lastLine = 0;
  return (e) => {
    if (!stream.isTTY) {
      const now = performance.now();
      if (e.done >= e.total || now - lastLine > 5000) {
        lastLine = now;
        stream.write(`${describeProgress(e)}\n`);
      }
      return;
    }
    if (bar == null || barTask !== e.task) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        { format: '{task} [{bar}] {percentage}% | {value}/{total} | {details}', stream, hideCursor: false, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      barTask = e.task;
      bar.start(e.total, e.done, { task: e.task, details: '' });
    }
    const details = describeProgress(e).split(' | ').slice(1).filter((p) => !/^\d+\/\d+$/.test(p)).join(' | ');
    bar.update(e.done, { task: e.task, details });
    if (e.done >= e.total) {
      bar.stop();
      bar = null;
    }
  };
}

import { escapeHtml } from '../io/html';
import { inNotebook, newDisplayId, writeDisplay } from '../io/jupyter';
import { describeProgress, terminalProgress, type ProgressEvent, type ProgressSink } from '../train/progress';

/**
 * A progress display for tslab notebooks: one output per task, updated in place through Jupyter's
 * update_display_data (tslab forwards display ids), so a long loop leaves one line, not thousands.
 * Events are already throttled by ProgressTracker (every 250 ms at most).
 */
export function notebookProgress(): ProgressSink {
  const displays = new Map<string, string>();
  return (e: ProgressEvent) => {
    let id = displays.get(e.task);
    const update = id != null;
    if (id == null) {
      id = newDisplayId();
      displays.set(e.task, id);
    }
    const text = describeProgress(e);
    const pct = e.total > 0 ? Math.min(100, (100 * e.done) / e.total) : 0;
    const html =
      `<div style="font-family:monospace;font-size:12px"><progress value="${e.done}" max="${Math.max(1, e.total)}" style="width:240px;vertical-align:middle"></progress> ` +
      `${pct.toFixed(0)}% ${escapeHtml(text)}</div>`;
    writeDisplay({ 'text/html': html, 'text/plain': text }, { displayId: id, update });
  };
}

/** The progress sink that fits where the code runs: an updating notebook display under tslab, a terminal bar elsewhere. */
export function progressSink(): ProgressSink {
  return inNotebook() ? notebookProgress() : terminalProgress();
}

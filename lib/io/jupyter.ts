// Output to a Jupyter (tslab) kernel: rich display messages, updated in place by display id.
import { randomBytes } from 'crypto';

/** A Jupyter MIME bundle: MIME type -> string (binary data base64-encoded) or JSON value. */
export type MimeBundle = Record<string, unknown>;

type DisplayWriter = ((d: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void) & {
  /** The execute request's header.session (one per browser page), set by the project's kernel launcher (kernels-config/kernel.cjs). */
  clientSession?: unknown;
};

interface TslabJupyter {
  lastWriteDisplayData: DisplayWriter | null;
}

/** True inside a tslab kernel (its executor sets globalThis.__tslab__). */
export function inNotebook(): boolean {
  return (globalThis as { __tslab__?: unknown }).__tslab__ != null;
}

function tslabJupyter(): TslabJupyter | null {
  if (!inNotebook()) return null;
  // tslab's own module instance: the kernel and this library resolve the same node_modules/tslab.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const j = require('tslab/dist/jupyter') as TslabJupyter;
  return j.lastWriteDisplayData != null ? j : null;
}

/**
 * Sends a display_data message with several MIME types at once (tslab's public `display` sends one
 * type per message). With a displayId, update=true replaces that earlier output in place
 * (update_display_data). Returns false outside a tslab kernel.
 */
export function writeDisplay(bundle: MimeBundle, opts: { displayId?: string; update?: boolean } = {}): boolean {
  const j = tslabJupyter();
  if (j == null || j.lastWriteDisplayData == null) return false;
  j.lastWriteDisplayData({ data: bundle, metadata: {}, transient: opts.displayId != null ? { display_id: opts.displayId } : {} }, opts.update ?? false);
  return true;
}

/**
 * The client that ran the current cell: the Jupyter session id of its execute request, which a frontend
 * makes anew for each page it loads (a reload is a new client). Known under the project's kernel
 * (kernels-config/kernel.cjs tags tslab's display writer); null elsewhere, or outside a notebook.
 */
export function displayClient(): string | null {
  const s = tslabJupyter()?.lastWriteDisplayData?.clientSession;
  return typeof s === 'string' && s !== '' ? s : null;
}

export function newDisplayId(): string {
  return `unlearn-lab-${randomBytes(8).toString('hex')}`;
}

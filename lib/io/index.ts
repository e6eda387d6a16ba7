// Public API of lib/io: atomic file writes, HTML escaping, Jupyter (tslab) display output, and the
// file-system side of a run: preflight checks, results folders swapped in whole, cleanup on exit.
// A leaf layer: imports nothing from the rest of lib, so any layer may use it.
export { writeFileAtomic } from './atomic';
export { escapeHtml, unescapeHtml } from './html';
export { inNotebook, writeDisplay, newDisplayId, displayClient, type MimeBundle } from './jupyter';
export { removeOnExit, removeTemp } from './cleanup';
export { checkWritableDir, pathSetting, MIN_FREE_BYTES } from './preflight';
export { openRunFolder, type RunFolder } from './run-folder';

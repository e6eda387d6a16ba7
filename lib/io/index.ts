// Public API of lib/io: atomic file writes, HTML escaping and Jupyter (tslab) display output.
// A leaf layer: imports nothing from the rest of lib, so any layer may use it.
export { writeFileAtomic } from './atomic';
export { escapeHtml, unescapeHtml } from './html';
export { inNotebook, writeDisplay, newDisplayId, type MimeBundle } from './jupyter';

// Public API of lib/condense (filled in by its module files).
export {};

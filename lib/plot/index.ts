// Public API of lib/plot (filled in by its module files).
export {};

// Public API of lib/metrics (filled in by its module files).
export {};

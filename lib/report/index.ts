// Public API of lib/report (filled in by its module files).
export {};

import type { Unlearner } from './contract';
import { BLEND_PAPER_UNLEARNERS } from './methods/blend-paper';
import { SULI_PAPER_UNLEARNERS } from './methods/suli-paper';

// Each paper's methods are listed in their own file; names must be unique across all of them.
const ALL: Unlearner<object>[] = [...BLEND_PAPER_UNLEARNERS, ...SULI_PAPER_UNLEARNERS];

export function unlearnerNames(): string[] {
  return ALL.map((u) => u.name);
}

export function getUnlearner(name: string): Unlearner<Record<string, unknown>> {
  const u = ALL.find((m) => m.name === name);
  if (u == null) throw new Error(`Unknown unlearning method '${name}'. Choose one of: ${unlearnerNames().join(', ')}.`);
  return u as unknown as Unlearner<Record<string, unknown>>;
}
